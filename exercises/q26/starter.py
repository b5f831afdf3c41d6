def pair_up(a, b):
    """Return a list of (x, y) tuples pairing the i-th element of `a` with the i-th element of `b`.

    pair_up([1, 2, 3, 4], 'abcd') gives [(1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')]; unequal lengths stop at the
    shorter input.
    """
    raise NotImplementedError("pair the elements of a and b up into a list of tuples")
