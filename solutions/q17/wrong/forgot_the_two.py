# expect: partial | the derivative of a * (x - c) ** 2 is 2 * a * (x - c)
def sgd_quadratic(a, c, x0, lr, steps):
    x, path = x0, [x0]
    for _ in range(steps):
        x = x - lr * a * (x - c)
        path.append(x)
    return path
