# expect: partial | one nonlinearity is not enough to approximate complex functions
# %%
choice_q37 = "e"

# %% [markdown]
# **Your answer (Q37):** With only one nonlinearity the network cannot approximate really complex functions like
# images, so we need more layers to learn them.
