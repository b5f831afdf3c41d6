# expect: partial | calls map(...)
import torch


def rmse(pair):
    x, y = pair
    return ((x - y) ** 2).mean().sqrt()


def paired_rmse(a, b):
    return torch.stack(list(map(rmse, zip(a, b))))
