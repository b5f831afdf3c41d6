# expect: partial | turns -inf × 0 into NaN
def relu(x):
    return x * (x > 0)
