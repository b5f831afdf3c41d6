# expect: partial | write it from tensor operations
import torch
import torch.nn.functional as F


def l1(a, b):
    return F.l1_loss(a, b)


def rmse(a, b):
    return F.mse_loss(a, b).sqrt()
