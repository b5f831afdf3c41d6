# expect: partial | in place
def doubled_corner(t):
    t *= 2
    return t[1:, 1:]
