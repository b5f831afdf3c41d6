# expect: failed | torch.rand draws uniformly
import torch


def init_params(size, std=1.0):
    return (torch.rand(size) * std).requires_grad_()
