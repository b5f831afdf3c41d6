# expect: partial | new memory
def sgd_step(params, lr):
    for p in params:
        p.data = p.data - lr * p.grad
        p.grad = None
