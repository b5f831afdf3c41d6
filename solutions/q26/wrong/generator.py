# expect: failed | collect the pairs with list(...)
def pair_up(a, b):
    return ((x, y) for x, y in zip(a, b))
