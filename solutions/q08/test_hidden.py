"""Hidden suite for Q8: values on unseen stacks of images, no loop in the code, and the speed-up measured here.

The speed is timed with the grading process's own clock around whole sandbox requests of as many calls as the
grader asks for (the harness hands back every call's output, and each is checked), and the Python loop it is
compared with runs here, in the grading process: nothing the student's code does inside the sandbox (to the
clock, to ``math``, to the harness's counts) can slow the baseline or shorten its own measurement.  Each call
sees the images with a different pixel changed, so a result remembered from an earlier call earns nothing.
"""
import ast
import time

import torch

from grader.judge.api import code_of, expect_tensor, fail, find_in_code, points, property_case, type_name

HINT = ("One tensor expression handles every image at once: (a - b) ** 2, then .mean over the last two axes "
        "(the pixels), then .sqrt(). See Q8 and the chapter's sections 'NumPy Arrays and PyTorch Tensors' and "
        "'Computing Metrics Using Broadcasting'.")
LOOPS = (ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
HIDDEN_LOOPS = ("map", "apply_", "vectorize", "map_")
SPEEDUP = 20
TIMING_N = 200  # 200 × 784 pixels: the loop takes ~20 ms here, the tensor version about 0.15 ms
WINDOW = 0.05  # seconds a timed request lasts at least: its round trips (two wake-ups) a small part of it
MAX_CALLS = 4096
FIRST, MORE = 3, 12  # rounds of the first look, then of the long one (see speedup)
DECISIVE = 5  # the first look decides below SPEEDUP / DECISIVE and above SPEEDUP × DECISIVE


def reference(a, b):
    return ((a.double() - b.double()) ** 2).mean((-1, -2)).sqrt()


def images(n, seed):
    gen = torch.Generator().manual_seed(seed)
    return torch.rand(n, 28, 28, generator=gen), torch.rand(n, 28, 28, generator=gen)


def check(a, b, got):
    n = len(a)
    want = reference(a, b)
    if isinstance(got, torch.Tensor) and got.dim() == 0:
        fail("paired_rmse returned a single number for the whole stack; it should give one distance per pair of "
             "images: average over the pixel axes only (the last two), not over everything", HINT)
    got = expect_tensor(got, "paired_rmse should return a tensor", HINT)
    if tuple(got.shape) != (n,):
        if tuple(got.shape) == (28, 28):
            fail("paired_rmse returned a 28×28 tensor: it averaged over the images (axis 0) instead of over the "
                 "pixels (the last two axes)", HINT)
        fail(f"paired_rmse returned a tensor of shape {tuple(got.shape)} for {n} pairs of images; it should have "
             f"shape ({n},)", HINT)
    got = got.detach().double()
    if not torch.isfinite(got).all():
        fail("paired_rmse returned NaN or infinity on ordinary images", HINT)
    if torch.allclose(got, want ** 2, rtol=1e-4, atol=1e-6):
        fail("paired_rmse returned the mean squared difference: take its square root too (root mean squared)",
             HINT)
    if torch.allclose(got, (a.double() - b.double()).abs().mean((-1, -2)), rtol=1e-4, atol=1e-6):
        fail("paired_rmse returned the mean absolute difference (L1); Q8 asks for the root mean squared "
             "difference", HINT)
    if torch.allclose(got, ((a.double() - b.double()) ** 2).sum((-1, -2)).sqrt(), rtol=1e-4, atol=1e-6):
        fail("paired_rmse took the square root of the sum of squares; average them over the pixels (mean) "
             "before the square root", HINT)
    if not torch.allclose(got, want, rtol=1e-4, atol=1e-6):
        fail("paired_rmse gave wrong distances on unseen images", HINT)


@points(2)
def test_values_on_unseen_images(submission):
    """paired_rmse gives the right distance for every pair, for stacks of different sizes (N = 1 included)"""
    for n, seed in [(1, 1), (2, 2), (7, 3), (64, 4)]:
        a, b = images(n, seed)
        check(a, b, submission.call("paired_rmse", a.clone(), b.clone()))
    a, b = images(5, 5)
    b[2] = a[2]  # a pair of identical images: distance 0
    check(a, b, submission.call("paired_rmse", a.clone(), b.clone()))


@property_case
@points(1)
def test_no_loop_in_the_code(submission):
    """paired_rmse is written with tensor operations, without a Python loop over images or pixels"""
    submission.call("paired_rmse", *images(3, 6))  # an unfinished function earns nothing here
    code = code_of(submission, "paired_rmse")
    if code[0] is None:
        fail("paired_rmse should be a function defined with def", HINT)
    found = find_in_code(code, lambda n: isinstance(n, (ast.For, ast.While)))
    if found:
        fail(f"{where(found)} uses a for/while loop: Python then handles the images one at a time, which is what "
             "Q8 is about avoiding; write one tensor expression for the whole stack", HINT)
    found = find_in_code(code, lambda n: isinstance(n, LOOPS))
    if found:
        fail(f"{where(found)} uses a comprehension (a loop in one line): write one tensor expression for the "
             "whole stack instead", HINT)
    found = find_in_code(code, lambda n: isinstance(n, ast.Call) and called_name(n) in HIDDEN_LOOPS)
    if found:
        fail(f"{where(found)} calls {called_name(found[1])}(...), which still runs Python once per image or per "
             "number; write one tensor expression for the whole stack", HINT)


def where(found) -> str:
    return "paired_rmse" if found[0] == "paired_rmse" else f"{found[0]}, which paired_rmse uses,"


def called_name(call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


def loop_rmse(a, b):
    """The baseline, run here in the grading process: a plain Python loop over every pixel of every pair."""
    out = []
    for image_a, image_b in zip(a.tolist(), b.tolist()):
        total, count = 0.0, 0
        for line_a, line_b in zip(image_a, image_b):
            for x, y in zip(line_a, line_b):
                d = x - y
                total += d * d
                count += 1
        out.append((total / count) ** 0.5)
    return out


def loop_seconds(a, b) -> float:
    """One run of the baseline, with the collector paused (as timeit does)."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        began = time.perf_counter()
        loop_rmse(a, b)
        return time.perf_counter() - began
    finally:
        if was_enabled:
            gc.enable()


def touched_reference(a, b, at, to):
    """What call i must return when pixel at[i] of every image of a holds to[i]: the untouched mean squared
    difference, corrected for that one pixel, so a (calls, N) table of answers costs no more than one pass."""
    d = a.double() - b.double()
    mse = (d ** 2).mean((-1, -2))
    old = d[:, at[:, 0], at[:, 1]].T  # (calls, N)
    new = to.double() - b.double()[:, at[:, 0], at[:, 1]].T
    return (mse + (new ** 2 - old ** 2) / d[0].numel()).sqrt()


class Timer:
    """Timed requests of *calls* calls each, every call on images with one pixel changed (a different one each
    time) and every answer checked: the count divided by is the count asked for and answered, and an answer
    remembered from an earlier call is wrong."""

    def __init__(self, submission, a, b):
        self.submission, self.a, self.b = submission, a, b
        self.gen = torch.Generator().manual_seed(8)

    def per_call(self, calls: int) -> float:
        n = len(self.a)
        at = torch.randint(0, 28, (calls, 2), generator=self.gen)
        to = torch.rand(calls, n, generator=self.gen)
        began = time.perf_counter()
        outputs = self.submission.harness("run_student", device="cpu", at=at, to=to)
        elapsed = time.perf_counter() - began
        outputs = expect_tensor(outputs, "paired_rmse's outputs could not be read", HINT)
        if tuple(outputs.shape) != (calls, n) or not torch.allclose(
                outputs.double(), touched_reference(self.a, self.b, at, to), rtol=1e-4, atol=1e-6):
            fail("paired_rmse did not give the right distances on every one of the timed calls (each gets the "
                 "images with one pixel changed, a different one each time): it should compute every answer from "
                 "the images it is given, and leave them as they were", HINT)
        return elapsed / calls

    def calls_for(self, seconds: float) -> int:
        """Calls per request for a request to last *seconds*: long enough that its round trip is a few percent
        of it.  Starts from one call, so a very slow answer is not run eight times to find out."""
        calls = 1
        while True:
            each = self.per_call(calls)
            if each * calls >= seconds or calls >= MAX_CALLS:
                return calls
            calls = min(MAX_CALLS, max(calls * 2, int(seconds / max(each, 1e-7) * 1.2)))


def speedup(submission, a, b) -> tuple[float, float]:
    """(loop seconds, paired_rmse seconds) per call, each the best of rounds that alternate one run of the loop
    here with one timed request there.  A busy machine only ever slows a run, so the best of each is the truest
    figure, and alternating them lets a burst of load fall on both sides.  The first rounds settle the clear
    cases; a figure within DECISIVE times of the bar either way is measured for MORE rounds before it is judged."""
    timer = Timer(submission, a, b)
    calls = timer.calls_for(WINDOW)
    loops, yours = [], []
    for rounds in (FIRST, MORE):
        for _ in range(rounds):
            loops.append(loop_seconds(a, b))
            yours.append(timer.per_call(calls))
        ratio = min(loops) / min(yours)
        if not SPEEDUP / DECISIVE < ratio < SPEEDUP * DECISIVE:
            break
    return min(loops), min(yours)


@property_case
@points(2)
def test_at_least_20_times_faster_than_a_loop(submission, record):
    """paired_rmse is at least 20 times faster than a Python loop over the same pixels"""
    a, b = images(TIMING_N, 99)
    submission.put("q08/a", a)
    submission.put("q08/b", b)
    check(a, b, submission.harness("student_output", device="cpu"))  # a wrong answer earns no speed credit
    loop, yours = speedup(submission, a, b)
    ratio = loop / yours
    record.metric("Python loop (ms per call)", round(loop * 1e3, 3))
    record.metric("paired_rmse (ms per call)", round(yours * 1e3, 3))
    record.metric("speed-up", round(ratio, 1))
    if ratio < SPEEDUP:
        fail(f"paired_rmse was only {ratio:.1f} times faster than a plain Python loop over the same pixels "
             f"(Q8 asks for at least {SPEEDUP} times): something in it still works one image or one number at a "
             "time in Python; let single tensor operations handle the whole stack", HINT)
