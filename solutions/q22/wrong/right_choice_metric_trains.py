# expect: partial | the metric is used to update the weights
# %%
choice_q22 = ["b", "c", "e"]

# %% [markdown]
# **Your answer (Q22):** The loss is calculated after every batch and the metric after every epoch, and the metric
# is then used to update the weights once per epoch.
