import torch


def doubled_corner(t):
    """Return the bottom-right 2×2 block of `t` doubled, as a tensor (`t` is any 3×3 tensor).

    doubled_corner(torch.arange(1, 10).view(3, 3)) gives tensor([[10, 12], [16, 18]]).
    """
    raise NotImplementedError("double t, then slice out the bottom-right 2×2 block")
