# expect: failed | only makes the name p point to a new tensor
def sgd_step(params, lr):
    for p in params:
        p = p - lr * p.grad
        p.grad = None
