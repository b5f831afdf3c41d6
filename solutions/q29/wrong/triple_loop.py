# expect: partial | loops in Python
import torch


def batch_matmul(xb, w):
    n, k = xb.shape
    m = w.shape[1]
    out = torch.zeros(n, m, dtype=xb.dtype)
    for i in range(n):
        for j in range(m):
            total = 0.0
            for t in range(k):
                total += xb[i, t] * w[t, j]
            out[i, j] = total
    return out


def matmul_shape(a_shape, b_shape):
    if a_shape[-1] != b_shape[0]:
        return None
    return tuple(a_shape[:-1]) + tuple(b_shape[1:])
