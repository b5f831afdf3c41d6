# expect: partial | stop at the end of the shorter input
def pair_up(a, b):
    return [(a[i], b[i]) for i in range(len(a))]
