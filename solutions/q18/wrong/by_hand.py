# expect: partial | by hand
import torch


def grad_at(coeffs, xs):
    out = torch.zeros_like(xs)
    for k, c in enumerate(coeffs):
        if k > 0:
            out = out + k * c * xs ** (k - 1)
    return out
