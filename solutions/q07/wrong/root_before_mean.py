# expect: partial | average the squares first
import torch


def l1(a, b):
    return (a - b).abs().mean()


def rmse(a, b):
    return ((a - b) ** 2).sqrt().mean()
