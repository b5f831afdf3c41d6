"""Runs inside the sandbox for Q9: call doubled_corner next to the tensor it gets, to see whether it changed it.

A tensor sent to the sandbox is a copy, so the grader cannot see an in-place change from the outside; this helper
hands `t` to the student's function and sends `t` back afterwards.
"""


def input_after_call(ns, store, device, t):
    """Call doubled_corner(t) and return `t` as it is afterwards."""
    ns["doubled_corner"](t)
    return t
