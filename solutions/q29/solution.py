import torch


def batch_matmul(xb, w):
    """Return the matrix product of xb (N, k) and w (k, m): a tensor of shape (N, m)."""
    return xb @ w


def matmul_shape(a_shape, b_shape):
    """Return the shape of a @ b as a tuple (a_shape, b_shape have one or two dimensions), or None if it fails."""
    if a_shape[-1] != b_shape[0]:
        return None
    return tuple(a_shape[:-1]) + tuple(b_shape[1:])
