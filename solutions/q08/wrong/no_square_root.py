# expect: failed | square root
def paired_rmse(a, b):
    return ((a - b) ** 2).mean((1, 2))
