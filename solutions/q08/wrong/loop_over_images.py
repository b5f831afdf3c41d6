# expect: partial | for/while loop
import torch


def paired_rmse(a, b):
    out = torch.zeros(len(a))
    for i in range(len(a)):
        out[i] = ((a[i] - b[i]) ** 2).mean().sqrt()
    return out
