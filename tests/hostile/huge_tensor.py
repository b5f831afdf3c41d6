"""Attack: return a 100 MB tensor from the graded function, hoping to exhaust the grader's memory."""
import torch


def doubled_corner(t):
    big = torch.zeros(25 << 20, dtype=torch.float32)
    big[:4] = (t * 2)[1:, 1:].flatten()
    return big
