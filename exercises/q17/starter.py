import torch


def sgd_quadratic(a, c, x0, lr, steps):
    """Gradient descent on f(x) = a * (x - c) ** 2 from x0: return [x0, x1, ..., x_steps] as Python floats."""
    raise NotImplementedError("repeat steps times: gradient at x, then x = x - lr * gradient; keep every x")
