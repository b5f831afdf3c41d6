# expect: partial | element by element
def batch_matmul(xb, w):
    return xb * w


def matmul_shape(a_shape, b_shape):
    if a_shape[-1] != b_shape[0]:
        return None
    return tuple(a_shape[:-1]) + tuple(b_shape[1:])
