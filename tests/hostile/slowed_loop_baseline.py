"""Attack: a Python loop for Q8 that slows the grader's baseline instead of being fast itself: it patches
math.sqrt and time.perf_counter inside the sandbox, where the loop baseline and the call count used to be
computed, hoping "20 times faster than a loop" passes for a loop."""
import math
import time

_real_sqrt, _real_clock = math.sqrt, time.perf_counter


def _slow_sqrt(x):
    end = _real_clock() + 0.002
    while _real_clock() < end:
        pass
    return _real_sqrt(x)


math.sqrt = _slow_sqrt
time.perf_counter = lambda: _real_clock() / 1000.0  # a clock that barely moves


def paired_rmse(a, b):
    import torch

    out = []
    for image_a, image_b in zip(a, b):
        out.append(((image_a - image_b) ** 2).mean().sqrt())
    return torch.stack(out)
