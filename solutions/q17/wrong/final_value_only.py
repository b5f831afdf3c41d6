# expect: failed | list of Python floats
def sgd_quadratic(a, c, x0, lr, steps):
    x = x0
    for _ in range(steps):
        x = x - lr * 2 * a * (x - c)
    return x
