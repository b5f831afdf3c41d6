import torch


def init_params(size, std=1.0):
    """A new tensor of shape `size`, normal random numbers with mean 0 and standard deviation `std`, requiring grad."""
    return (torch.randn(size) * std).requires_grad_()
