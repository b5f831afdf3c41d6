"""Runs inside the sandbox for Q13: a generator cannot be sent back to the grader, so run it here.

Public helper code: it calls the student's `batches(xs, bs)`, says whether it returned a generator, and returns
the batches it produced as a list (at most `limit` of them, so that a generator that never stops cannot hang).

The grader runs this file before any cell of the notebook, so the functions bound below are the real ones even if
a cell later rebinds ``inspect.isgenerator`` or ``itertools.islice``.
"""
from inspect import isgenerator
from itertools import islice


def collect(ns, store, device, xs, bs, limit=10_000):
    result = ns["batches"](xs, bs)
    is_generator = isgenerator(result)
    items = list(islice(iter(result), limit))
    return {"generator": is_generator, "type": type(result).__name__, "batches": items}
