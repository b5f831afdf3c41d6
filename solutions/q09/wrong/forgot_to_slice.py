# expect: failed | shape (3, 3)
def doubled_corner(t):
    doubled = t * 2
    doubled[1:, 1:]
    return doubled
