# expect: failed | put new tensors into the list
import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for i, p in enumerate(params):
            params[i] = (p - lr * p.grad).requires_grad_()
