# expect: partial | left the gradients in place
def sgd_step(params, lr):
    for p in params:
        p.data -= lr * p.grad
