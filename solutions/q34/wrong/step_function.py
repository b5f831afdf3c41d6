# expect: failed | a step function
def relu(x):
    return (x > 0).float()
