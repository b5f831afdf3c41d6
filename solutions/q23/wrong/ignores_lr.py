# expect: failed | ignoring the learning rate
import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            p -= p.grad
            p.grad.zero_()
