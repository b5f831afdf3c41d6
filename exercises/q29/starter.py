import torch


def batch_matmul(xb, w):
    """Return the matrix product of xb (N, k) and w (k, m): a tensor of shape (N, m)."""
    raise NotImplementedError("multiply the batch by the weights with the matrix-product operator")


def matmul_shape(a_shape, b_shape):
    """Return the shape of a @ b as a tuple (a_shape, b_shape have one or two dimensions), or None if it fails."""
    raise NotImplementedError("check the inner sizes, then build the result's shape")
