# expect: partial | does not require gradients
import torch


def init_params(size, std=1.0):
    return torch.randn(size) * std
