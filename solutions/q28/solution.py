import torch


def linear1(xb, w, b):
    """Return the linear model's output xb @ w + b (shape (N, m), or (m,) for a single input)."""
    return xb @ w + b
