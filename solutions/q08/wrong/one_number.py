# expect: failed | single number for the whole stack
def paired_rmse(a, b):
    return ((a - b) ** 2).mean().sqrt()
