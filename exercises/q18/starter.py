import torch


def grad_at(coeffs, xs):
    """Gradient, at xs, of f(xs) = sum over the points of c0 + c1*x + c2*x**2 + ... (computed with backward)."""
    raise NotImplementedError("mark a copy of xs as requiring grad, compute f, call backward, return the .grad")
