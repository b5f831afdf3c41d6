"""Runs inside the sandbox for Q8: the student's paired_rmse, called as many times as the grader asks.

Public helper code. The grader sends two stacks of images with `submission.put` (``q08/a`` and ``q08/b``, float
tensors of shape (N, 28, 28)), times each request with its own clock from outside the sandbox, and checks every
call's output: the helper returns them all, so the number of calls the grader divides by is the number it asked
for and saw answered.  The Python loop it compares with runs in the grading process, on the same images.

The helper pauses Python's garbage collector while it runs, as ``timeit`` does: a full collection lands at an
arbitrary moment and can triple one run, which would make the comparison a matter of luck.
"""
import contextlib
import gc


@contextlib.contextmanager
def _no_gc():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def student_output(ns, store, device):
    """Call paired_rmse once on the images the grader sent (a warm-up) and return what it gives."""
    return ns["paired_rmse"](store["q08/a"], store["q08/b"])


def run_student(ns, store, device, calls=1):
    """Call paired_rmse `calls` times on the same images; return every call's output, stacked."""
    import torch

    fn, a, b = ns["paired_rmse"], store["q08/a"], store["q08/b"]
    outputs = []
    with _no_gc():
        for _ in range(int(calls)):
            outputs.append(fn(a, b))
    return torch.stack([torch.as_tensor(out).detach().reshape(-1) for out in outputs])
