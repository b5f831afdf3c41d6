# %% exercise: q04
def double_odds(nums): return [2 * n for n in nums if n % 2 == 1]

# %% [markdown]
# **Your answer (Q4):** It is a compact way to create a new list: Python loops over each element of an iterable and evaluates an expression for it. The if clause is a condition that filters which elements are kept, for example only the odd numbers.
