import torch


def sigmoid(x):
    """Return 1 / (1 + exp(-x)) for every entry of the float tensor `x` (same shape and dtype)."""
    raise NotImplementedError("compute the sigmoid with torch.exp")
