# expect: failed | all zeros
import torch


def init_params(size, std=1.0):
    return torch.zeros(size).requires_grad_()
