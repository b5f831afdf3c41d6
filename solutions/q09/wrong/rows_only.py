# expect: failed | shape (2, 3)
def doubled_corner(t):
    return (t * 2)[1:]
