# expect: failed | left out the starting point
def sgd_quadratic(a, c, x0, lr, steps):
    x, path = x0, []
    for _ in range(steps):
        x = x - lr * 2 * a * (x - c)
        path.append(x)
    return path
