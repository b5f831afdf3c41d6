# expect: partial | changed the tensor it was given
def relu(x):
    x[x < 0] = 0
    return x
