"""Runs inside the sandbox for Q8: the student's paired_rmse and a plain Python loop, on the same images.

Public helper code. The grader sends two stacks of images with `submission.put` (``q08/a`` and ``q08/b``, float
tensors of shape (N, 28, 28)) and times each helper below with its own clock, from outside the sandbox; the
helpers only say how many times they ran the function, so the grader can divide.

Both helpers pause Python's garbage collector while they run, as ``timeit`` does: a full collection lands at
an arbitrary moment and can triple one run of the loop, which would make the comparison a matter of luck.
"""
import contextlib
import gc
import math
import time


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


def run_student(ns, store, device, budget=0.25, max_calls=2000):
    """Call paired_rmse again and again on the same images for about `budget` seconds; return how many calls."""
    fn, a, b = ns["paired_rmse"], store["q08/a"], store["q08/b"]
    began, calls = time.perf_counter(), 0
    with _no_gc():
        while calls < max_calls:
            fn(a, b)
            calls += 1
            if time.perf_counter() - began >= budget:
                break
    return calls


def loop_rmse(a, b):
    """The reference: a plain Python loop over every pixel of every pair of images."""
    rows_a, rows_b = a.tolist(), b.tolist()
    out = []
    for image_a, image_b in zip(rows_a, rows_b):
        total, count = 0.0, 0
        for line_a, line_b in zip(image_a, image_b):
            for x, y in zip(line_a, line_b):
                d = x - y
                total += d * d
                count += 1
        out.append(math.sqrt(total / count))
    return out


def run_loop(ns, store, device, repeats=2):
    """Run the Python loop `repeats` times on the same images; return how many runs."""
    with _no_gc():
        for _ in range(repeats):
            loop_rmse(store["q08/a"], store["q08/b"])
    return repeats
