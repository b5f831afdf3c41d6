# expect: failed | twice too big
import torch


def grad_at(coeffs, xs):
    x = xs.clone().requires_grad_()
    f = sum(c * x ** k for k, c in enumerate(coeffs)).sum()
    f.backward(retain_graph=True)
    print("f =", f.item(), "grad =", x.grad)
    f.backward()
    return x.grad
