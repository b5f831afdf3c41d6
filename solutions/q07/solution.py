import torch


def l1(a, b):
    """Mean absolute difference of a and b over all elements (same as F.l1_loss), as a rank-0 tensor."""
    return (a - b).abs().mean()


def rmse(a, b):
    """Root mean squared error of a and b over all elements (same as F.mse_loss(a, b).sqrt()), as a rank-0 tensor."""
    return ((a - b) ** 2).mean().sqrt()
