# expect: failed | before the matrix product
def linear1(xb, w, b):
    return (xb + b) @ w
