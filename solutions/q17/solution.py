import torch


def sgd_quadratic(a, c, x0, lr, steps):
    """Gradient descent on f(x) = a * (x - c) ** 2 from x0: return [x0, x1, ..., x_steps] as Python floats."""
    x = torch.tensor(float(x0), dtype=torch.float64, requires_grad=True)
    path = [x.item()]
    for _ in range(steps):
        loss = a * (x - c) ** 2
        loss.backward()
        with torch.no_grad():
            x -= lr * x.grad
        x.grad.zero_()
        path.append(x.item())
    return path
