# expect: partial | weights are changed or guessed at random
# %%
choice_q12 = "d"

# %% [markdown]
# **Your answer (Q12):** SGD uses the gradient to update the weights. It is stochastic because it takes random
# steps with the weights and keeps the ones that make the loss smaller.
