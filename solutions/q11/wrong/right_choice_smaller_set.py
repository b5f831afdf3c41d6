# expect: partial | chosen because it is smaller or faster
# %%
choice_q11 = "c"

# %% [markdown]
# **Your answer (Q11):** I picked the validation set because it is smaller, so it is faster to compute the accuracy
# after every epoch and training does not slow down.
