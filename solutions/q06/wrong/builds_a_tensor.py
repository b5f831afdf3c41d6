# expect: partial | build a tensor of that shape
import torch


def rank(shape):
    return torch.empty(shape).ndim
