# expect: failed | b's element first
def pair_up(a, b):
    return list(zip(b, a))
