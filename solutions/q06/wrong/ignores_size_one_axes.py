# expect: partial | axes of length 1
def rank(shape):
    return len([n for n in shape if n > 1])
