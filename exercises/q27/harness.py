"""Runs inside the sandbox for Q27: call flatten_images next to the tensor it gets and look at the memory.

A tensor that crosses to the grader is a copy, so whether the result shares memory with `x` can only be seen here.

The grader runs this file before any cell of the notebook, and the probe reads memory through the tensor methods
bound below, as they are then: a cell that later rebinds ``torch.Tensor.data_ptr`` or ``torch.equal``, or a
tensor subclass that overrides them, changes nothing the probe sees.
"""
import torch

_Tensor = torch.Tensor
_plain = torch.Tensor.as_subclass  # the same memory seen as a plain tensor: a subclass's overrides left out
_storage, _data_ptr = torch.Tensor.untyped_storage, torch.Tensor.data_ptr
_storage_ptr = type(torch.empty(0).untyped_storage()).data_ptr
_clone, _equal, _numel, _dim = torch.Tensor.clone, torch.equal, torch.Tensor.numel, torch.Tensor.dim
_getitem, _add_, _copy_ = torch.Tensor.__getitem__, torch.Tensor.add_, torch.Tensor.copy_
_base = torch.Tensor._base.__get__
_isinstance = isinstance


def flatten_probe(ns, store, device, x):
    """Call flatten_images(x); return the result and whether it shares memory with x (as plain data)."""
    x = x.to(device)
    shape_before = tuple(x.shape)
    out = ns["flatten_images"](x)
    if not _isinstance(out, _Tensor):
        return {"out": out if isinstance(out, (int, float, str, list, tuple)) else f"a {type(out).__name__}",
                "is_tensor": False}
    seen = _plain(out, _Tensor)
    same_storage = _storage_ptr(_storage(seen)) == _storage_ptr(_storage(x))
    same_start = _data_ptr(seen) == _data_ptr(x)
    writes_through = False
    if same_storage and _numel(seen) > 0 and _numel(x) > 0:
        before = _clone(x)
        first = _getitem(seen, (0,) * _dim(seen))  # a 0-dim view of the result's first entry
        old = _clone(first)
        _add_(first, 1)
        writes_through = not _equal(x, before)
        _copy_(first, old)
    return {"out": out.detach().cpu(), "is_tensor": True, "same_storage": bool(same_storage),
            "same_start": bool(same_start), "base_is_x": _base(seen) is x, "writes_through": bool(writes_through),
            "x_shape_after": list(x.shape), "x_shape_before": list(shape_before)}
