# expect: failed | returned a Python float (.item()?)
import torch


def l1(a, b):
    return (a - b).abs().mean().item()


def rmse(a, b):
    return ((a - b) ** 2).mean().sqrt().item()
