import torch


def paired_rmse(a, b):
    """Root mean squared difference between a[i] and b[i] for every i: a tensor of shape (N,), no Python loop."""
    return ((a - b) ** 2).mean((-1, -2)).sqrt()
