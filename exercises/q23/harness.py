"""Runs inside the sandbox for Q23: give sgd_step tensors with known gradients and look at those same tensors after.

A tensor that crosses to the grader is a copy, so an in-place update can only be seen here. Everything is sent back
as plain data; the grader works out the right new values itself.
"""
import torch
from torch import nn


def _state(tensors):
    return {"values": [t.detach().cpu().clone() for t in tensors],
            "grads": [None if t.grad is None else t.grad.detach().cpu().clone() for t in tensors],
            "requires_grad": [bool(t.requires_grad) for t in tensors]}


def step_probe(ns, store, device, values, grads, lr, as_generator=False):
    """sgd_step on leaf tensors holding `values` with `.grad` set to `grads`."""
    params = [v.clone().to(device).requires_grad_() for v in values]
    for p, g in zip(params, grads):
        p.grad = g.clone().to(device)
    originals = list(params)
    pointers = [p.data_ptr() for p in params]
    given = (p for p in params) if as_generator else params
    returned = ns["sgd_step"](given, lr)
    out = _state(originals)
    out["same_storage"] = [p.data_ptr() == ptr for p, ptr in zip(originals, pointers)]
    out["list_entries_replaced"] = [a is not b for a, b in zip(params, originals)]
    out["returned_none"] = returned is None
    return out


def module_probe(ns, store, device, weight, bias, x, y, lr):
    """nn.Linear with the given weights, one backward of an MSE loss on (x, y), then sgd_step(model.parameters())."""
    model = nn.Linear(weight.shape[1], weight.shape[0]).to(device)
    with torch.no_grad():
        model.weight.copy_(weight.to(device))
        model.bias.copy_(bias.to(device))
    loss = ((model(x.to(device)) - y.to(device)) ** 2).mean()
    loss.backward()
    ns["sgd_step"](model.parameters(), lr)
    return _state([model.weight, model.bias])
