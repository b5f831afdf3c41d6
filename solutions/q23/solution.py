import torch


def sgd_step(params, lr):
    """Move every tensor in `params` by -lr × its gradient, in place, then reset its gradient."""
    with torch.no_grad():
        for p in params:  # one pass, so a generator such as model.parameters() works too
            p -= lr * p.grad
            p.grad = None
