import torch


def sgd_step(params, lr):
    """Move every tensor in `params` by -lr × its gradient, in place, then reset its gradient."""
    raise NotImplementedError("update each p with p.grad and lr, then clear p.grad")
