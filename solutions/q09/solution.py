import torch


def doubled_corner(t):
    """Return the bottom-right 2×2 block of `t` doubled, as a tensor (`t` is any 3×3 tensor)."""
    return (t * 2)[1:, 1:]
