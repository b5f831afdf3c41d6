# expect: partial | keep the inputs' dtype
def linear1(xb, w, b):
    return xb.float() @ w.float() + b.float()
