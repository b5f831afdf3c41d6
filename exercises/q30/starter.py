import torch


def grads_of_loss(w, b, xb, yb):
    """Return [dloss/dw, dloss/db] for the loss mnist_loss(xb @ w + b, yb), computed with backward()."""
    raise NotImplementedError("compute the loss, call backward on it, and return the two gradients")
