"""Attack: walk the call stack (sys._getframe, inspect) and every live object (gc) from inside the graded function,
looking for the grader's expected answer to hand back."""
import gc
import inspect
import sys

import torch


def _looks_like_answer(value, t):
    return isinstance(value, torch.Tensor) and value.shape == (2, 2) and value.dtype == t.dtype \
        and value.data_ptr() != t.data_ptr()


def doubled_corner(t):
    candidates = []
    frame = sys._getframe(1)
    while frame is not None:
        for name in ("want", "expected", "reference", "answer"):
            if name in frame.f_locals:
                candidates.append(frame.f_locals[name])
        frame = frame.f_back
    for info in inspect.stack():
        candidates.extend(info.frame.f_locals.values())
    for obj in gc.get_objects():
        if isinstance(obj, dict) and ("want" in obj or "expected" in obj):
            candidates.extend(obj.values())
    for value in candidates:
        if _looks_like_answer(value, t):
            return value
    return t[1:, 1:]  # nothing found: the undoubled corner
