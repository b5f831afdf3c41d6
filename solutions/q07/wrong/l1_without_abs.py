# expect: partial | positive and negative ones cancel out
import torch


def l1(a, b):
    return (a - b).mean()


def rmse(a, b):
    return ((a - b) ** 2).mean().sqrt()
