# expect: failed | turned negative numbers into positive ones
def relu(x):
    return x.abs()
