# expect: partial | transpose w
def batch_matmul(xb, w):
    # nn.Linear keeps its weight as (out, in), so transpose it... but w here is already (k, m)
    return xb @ w.T


def matmul_shape(a_shape, b_shape):
    if a_shape[-1] != b_shape[0]:
        return None
    return tuple(a_shape[:-1]) + tuple(b_shape[1:])
