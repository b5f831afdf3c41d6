# expect: failed | .tolist()
def doubled_corner(t):
    return (t * 2)[1:, 1:].tolist()
