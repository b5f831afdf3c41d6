# expect: failed | shape (1, 1)
def doubled_corner(t):
    doubled = t * 2
    return doubled[2:, 2:]
