# expect: failed | returned f itself
import torch


def grad_at(coeffs, xs):
    x = xs.clone().requires_grad_()
    f = sum(c * x ** k for k, c in enumerate(coeffs)).sum()
    f.backward()
    return f.detach()
