# expect: partial | same numbers
import torch


def init_params(size, std=1.0):
    torch.manual_seed(42)
    return (torch.randn(size) * std).requires_grad_()
