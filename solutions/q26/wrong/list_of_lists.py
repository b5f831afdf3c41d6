# expect: failed | (x, y) tuples, not [x, y] lists
def pair_up(a, b):
    return [[x, y] for x, y in zip(a, b)]
