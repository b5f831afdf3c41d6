# expect: partial | leave them as they were
"""Right distances on the first call, computed in place: a becomes (a - b) ** 2, so every later call on the same
images is wrong (and the caller's images are gone)."""


def paired_rmse(a, b):
    return a.sub_(b).pow_(2).mean((-1, -2)).sqrt()
