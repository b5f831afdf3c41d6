# expect: failed | longest axis
def rank(shape):
    return max(shape) if len(shape) else 0
