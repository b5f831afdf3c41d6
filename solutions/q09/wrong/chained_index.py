# expect: failed | shape (1, 3)
def doubled_corner(t):
    return (t * 2)[1:3][1:3]
