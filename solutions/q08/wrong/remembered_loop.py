# expect: partial | _rmse_by_pixels, which paired_rmse uses, uses a for/while loop
"""A pixel-by-pixel loop kept in a helper, with every answer remembered by a cheap key: fast on a second call with
the same images, which the timing never gives it."""
import torch

_answers = {}


def _rmse_by_pixels(a, b):
    out = []
    for image_a, image_b in zip(a.tolist(), b.tolist()):
        total = 0.0
        for line_a, line_b in zip(image_a, image_b):
            for x, y in zip(line_a, line_b):
                total += (x - y) ** 2
        out.append((total / 784) ** 0.5)
    return torch.tensor(out)


def paired_rmse(a, b):
    key = (a.data_ptr(), b.data_ptr(), tuple(a.shape), float(a.sum()), float(b.sum()))
    if key not in _answers:
        _answers[key] = _rmse_by_pixels(a, b)
    return _answers[key]
