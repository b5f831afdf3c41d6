import torch


def distances_to_mean(batch, mean):
    """Mean absolute difference between each image of `batch` (N, H, W) and `mean` (H, W): a tensor of shape (N,)."""
    return (batch - mean).abs().mean((-1, -2))
