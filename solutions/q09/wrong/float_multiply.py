# expect: partial | keep the dtype
def doubled_corner(t):
    return (t * 2.0)[1:, 1:]
