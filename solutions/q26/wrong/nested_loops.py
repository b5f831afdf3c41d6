# expect: failed | every element of a with every element of b
def pair_up(a, b):
    return [(x, y) for x in a for y in b]
