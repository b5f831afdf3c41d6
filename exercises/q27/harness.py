"""Runs inside the sandbox for Q27: call flatten_images next to the tensor it gets and look at the memory.

A tensor that crosses to the grader is a copy, so whether the result shares memory with `x` can only be seen here.
"""
import torch


def flatten_probe(ns, store, device, x):
    """Call flatten_images(x); return the result and whether it shares memory with x (as plain data)."""
    x = x.to(device)
    shape_before = tuple(x.shape)
    out = ns["flatten_images"](x)
    if not isinstance(out, torch.Tensor):
        return {"out": out if isinstance(out, (int, float, str, list, tuple)) else f"a {type(out).__name__}",
                "is_tensor": False}
    same_storage = out.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    same_start = out.data_ptr() == x.data_ptr()
    writes_through = False
    if same_storage and out.numel() > 0 and x.numel() > 0:
        before = x.clone()
        first = out[(0,) * out.dim()]  # a 0-dim view of the result's first entry
        old = first.clone()
        first.add_(1)
        writes_through = not torch.equal(x, before)
        first.copy_(old)
    return {"out": out.detach().cpu(), "is_tensor": True, "same_storage": bool(same_storage),
            "same_start": bool(same_start), "base_is_x": out._base is x, "writes_through": bool(writes_through),
            "x_shape_after": list(x.shape), "x_shape_before": list(shape_before)}
