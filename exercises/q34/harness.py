"""Runs inside the sandbox for Q34: call relu next to the tensor it gets, to see whether it changed it.

A tensor sent to the sandbox is a copy, so the grader cannot see an in-place change from the outside; this helper
hands `x` to the student's function and sends `x` back afterwards.
"""


def input_after_call(ns, store, device, x):
    """Call relu(x) and return `x` as it is afterwards."""
    ns["relu"](x)
    return x
