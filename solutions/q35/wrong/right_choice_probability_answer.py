# expect: partial | only there to turn the output into a probability
# %%
choice_q35 = "c"

# %% [markdown]
# **Your answer (Q35):** An activation function like sigmoid turns the output of the network into a probability,
# so we can read it as how sure the model is that the image is a 3.
