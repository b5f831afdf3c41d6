# expect: partial | the square root at the end is missing
import torch


def l1(a, b):
    return (a - b).abs().mean()


def rmse(a, b):
    return ((a - b) ** 2).mean()
