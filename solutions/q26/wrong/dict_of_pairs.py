# expect: failed | returned a dict
def pair_up(a, b):
    return dict(zip(a, b))
