import torch


def grad_at(coeffs, xs):
    """Gradient, at xs, of f(xs) = sum over the points of c0 + c1*x + c2*x**2 + ... (computed with backward)."""
    x = xs.detach().clone().requires_grad_()
    f = sum(c * x ** k for k, c in enumerate(coeffs)).sum()
    f.backward()
    return x.grad
