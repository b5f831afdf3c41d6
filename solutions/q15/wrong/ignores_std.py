# expect: partial | ignores std
import torch


def init_params(size, std=1.0):
    return torch.randn(size).requires_grad_()
