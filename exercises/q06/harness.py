"""Runs inside the sandbox for Q6: call rank on real torch.Size objects, which cannot be sent as plain data."""
import torch


def rank_of_sizes(ns, store, device, shapes):
    """rank(torch.Size(shape)) for each shape, and rank(t.shape) for a real small tensor of that shape."""
    out = []
    for shape in shapes:
        size = torch.Size(shape)
        if size.numel() <= 10_000:
            size = torch.zeros(size).shape  # the very object a student meets as t.shape
        out.append(ns["rank"](size))
    return out
