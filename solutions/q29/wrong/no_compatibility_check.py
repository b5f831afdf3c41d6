# expect: partial | return None
def batch_matmul(xb, w):
    return xb @ w


def matmul_shape(a_shape, b_shape):
    # rows of the first, columns of the second; forgot to check the inner sizes
    return tuple(a_shape[:-1]) + tuple(b_shape[1:])
