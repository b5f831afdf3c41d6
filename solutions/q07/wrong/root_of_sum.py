# expect: partial | Euclidean length
import torch


def l1(a, b):
    return (a - b).abs().mean()


def rmse(a, b):
    return ((a - b) ** 2).sum().sqrt()
