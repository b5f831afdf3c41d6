import torch


def two_backward_calls(w, b, batches, zero_between):
    """Run backward on two batches in turn, zeroing the gradients in between only if `zero_between`;
    return [w.grad, b.grad] after the second backward."""
    raise NotImplementedError("two losses, two backward calls, and an optional zeroing in between")
