# expect: partial | the loss is the error rate
# %%
choice_q16 = "b"

# %% [markdown]
# **Your answer (Q16):** The loss is how many of the predictions are wrong, basically one minus the accuracy. We
# want it as low as possible during training.
