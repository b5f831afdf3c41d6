"""Runs inside the sandbox for Q36: builds the student's net and describes it as plain data.

A module cannot leave the sandbox, so this helper calls ``make_net`` there and reports what it built: its type,
its layers in order (with the sizes and parameters of each linear layer), and its output on the input ``x`` that
the grader sends. The grader checks the description and recomputes the output from the reported parameters itself.
"""
import torch
from torch import nn


def _name(obj) -> str:
    kind = obj if isinstance(obj, type) else type(obj)
    return f"{kind.__module__}.{kind.__qualname__}"


def describe_net(ns, store, device, n_in, n_hidden, n_out, x=None):
    net = ns["make_net"](n_in, n_hidden, n_out)
    info = {"type": _name(net), "is_module": isinstance(net, nn.Module),
            "is_sequential": isinstance(net, nn.Sequential)}
    if isinstance(net, nn.Module):
        info["n_parameters"] = int(sum(p.numel() for p in net.parameters()))
    if isinstance(net, nn.Sequential):
        layers = []
        for layer in list(net)[:50]:
            entry = {"type": _name(layer), "is_relu": isinstance(layer, nn.ReLU),
                     "is_linear": isinstance(layer, nn.Linear)}
            if isinstance(layer, nn.Linear):
                entry.update(in_features=int(layer.in_features), out_features=int(layer.out_features),
                             weight=layer.weight.detach().cpu().clone(),
                             bias=None if layer.bias is None else layer.bias.detach().cpu().clone())
            layers.append(entry)
        info["layers"] = layers
    if x is not None and callable(net):
        with torch.no_grad():
            out = net(x)
        info["output"] = out.detach().cpu().clone() if isinstance(out, torch.Tensor) else repr(type(out))
    return info
