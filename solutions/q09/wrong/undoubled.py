# expect: failed | from t*2
def doubled_corner(t):
    return t[1:, 1:]
