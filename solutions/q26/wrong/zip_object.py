# expect: failed | wrap zip(...) in list(...)
def pair_up(a, b):
    return zip(a, b)
