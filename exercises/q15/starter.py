import torch


def init_params(size, std=1.0):
    """A new tensor of shape `size`, normal random numbers with mean 0 and standard deviation `std`, requiring grad."""
    raise NotImplementedError("draw normal random numbers, scale them by std, then ask for gradients")
