import torch


def sigmoid(x):
    """Return 1 / (1 + exp(-x)) for every entry of the float tensor `x` (same shape and dtype)."""
    # For x = -1000, exp(1000) overflows to inf and 1 / (1 + inf) is exactly 0: no nan can appear.
    return 1 / (1 + torch.exp(-x))
