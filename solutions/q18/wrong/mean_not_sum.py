# expect: failed | .mean() divides every gradient
import torch


def grad_at(coeffs, xs):
    x = xs.clone().requires_grad_()
    f = sum(c * x ** k for k, c in enumerate(coeffs)).mean()
    f.backward()
    return x.grad
