# expect: failed | left out the bias
def linear1(xb, w, b):
    return xb @ w
