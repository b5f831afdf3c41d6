# expect: partial | not a leaf
import torch


def init_params(size, std=1.0):
    return torch.randn(size).requires_grad_() * std
