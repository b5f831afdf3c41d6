# expect: partial | works the derivative out by hand
"""The power rule worked out by hand, in a variable and an attribute both called grad: the names of autograd,
none of its work."""
import torch


class _Result:
    pass


def grad_at(coeffs, xs):
    grad = torch.zeros_like(xs)
    for k, c in enumerate(coeffs):
        if k > 0:
            grad = grad + k * c * xs ** (k - 1)
    holder = _Result()
    holder.grad = grad
    return holder.grad
