def pair_up(a, b):
    """Return a list of (x, y) tuples pairing the i-th element of `a` with the i-th element of `b`."""
    return list(zip(a, b))
