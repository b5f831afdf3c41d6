# expect: partial | inf / inf is nan
import torch


def sigmoid(x):
    e = torch.exp(x)
    return e / (1 + e)
