"""Runs inside the sandbox for Q15: what `init_params` returns, including what cannot cross as plain data.

Public helper code. Whether a tensor requires gradients and whether it is a leaf are lost when a tensor is sent
back, so they are read here; the values are sent back and all the statistics are computed by the grader.
"""
import torch


def describe(ns, store, device, size, std=None):
    """Call init_params(size) or init_params(size, std) and describe the result."""
    result = ns["init_params"](size) if std is None else ns["init_params"](size, std)
    if not isinstance(result, torch.Tensor):
        return {"tensor": False, "type": type(result).__name__}
    return {"tensor": True, "values": result.detach().cpu().clone(), "requires_grad": bool(result.requires_grad),
            "is_leaf": bool(result.is_leaf)}


def gradient_lands(ns, store, device, size):
    """Use init_params as the weights of a tiny computation, call backward, and say whether .grad was filled."""
    import warnings

    weights = ns["init_params"](size)
    if not isinstance(weights, torch.Tensor) or not weights.requires_grad:
        return {"ran": False}
    loss = (weights * 3).sum()
    loss.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading .grad of a non-leaf tensor warns
        grad = weights.grad
    return {"ran": True, "grad": None if grad is None else grad.detach().cpu().clone()}
