# expect: error | torch.no_grad()
def sgd_step(params, lr):
    for p in params:
        p -= lr * p.grad
        p.grad = None
