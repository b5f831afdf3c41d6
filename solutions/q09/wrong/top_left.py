# expect: failed | top-left
def doubled_corner(t):
    return (t * 2)[:2, :2]
