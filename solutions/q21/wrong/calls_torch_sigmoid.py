# expect: partial | write the formula yourself
import torch


def sigmoid(x):
    return torch.sigmoid(x)
