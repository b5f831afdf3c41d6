# expect: failed | second derivative
import torch


def grad_at(coeffs, xs):
    x = xs.clone().requires_grad_()
    f = sum(c * x ** k for k, c in enumerate(coeffs)).sum()
    (slope,) = torch.autograd.grad(f, x, create_graph=True)
    (curvature,) = torch.autograd.grad(slope.sum(), x)
    return curvature
