# expect: failed | accumulate
import torch


def sgd_quadratic(a, c, x0, lr, steps):
    x = torch.tensor(float(x0), dtype=torch.float64, requires_grad=True)
    path = [x.item()]
    for _ in range(steps):
        loss = a * (x - c) ** 2
        loss.backward()
        with torch.no_grad():
            x -= lr * x.grad
        path.append(x.item())
    return path
