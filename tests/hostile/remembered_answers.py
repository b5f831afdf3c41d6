"""Attack: a pixel-by-pixel loop for Q8 that remembers its answers under a cheap key (where the images live and
what they sum to), so that only its first call on a stack pays for the loop; the loop is reached through
globals(), where no reading of the source follows it, so only the timing can tell."""
import torch

_answers = {}


def _by_pixels(a, b):
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
        _answers[key] = globals()["_by" + "_pixels"](a, b)
    return _answers[key]
