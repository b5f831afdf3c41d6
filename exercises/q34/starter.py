import torch


def relu(x):
    """Return a new tensor like `x` with every negative entry replaced by 0 (x itself is left unchanged)."""
    raise NotImplementedError("replace the negative entries with 0")
