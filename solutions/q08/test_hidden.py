"""Hidden suite for Q8: values on unseen stacks of images, no loop in the code, and the speed-up measured here.

The speed is timed with the grading process's own clock around whole sandbox requests of as many calls as the
grader asks for (the harness hands back every call's output, and each is checked), and the Python loop it is
compared with runs here, in the grading process: nothing the student's code does inside the sandbox (to the
clock, to ``math``, to the harness's counts) can slow the baseline or shorten its own measurement.
"""
import ast
import time

import torch

from grader.judge.api import expect_tensor, fail, points, property_case, type_name

HINT = ("One tensor expression handles every image at once: (a - b) ** 2, then .mean over the last two axes "
        "(the pixels), then .sqrt(). See Q8 and the chapter's sections 'NumPy Arrays and PyTorch Tensors' and "
        "'Computing Metrics Using Broadcasting'.")
LOOPS = (ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
HIDDEN_LOOPS = ("map", "apply_", "vectorize", "map_")
SPEEDUP = 20
TIMING_N = 200  # 200 × 784 pixels: the loop takes ~20 ms here, the tensor version well under 1 ms
# A first, short measurement (the faster of two loop runs, at least 10 ms of calls) settles the clear cases: a
# tensor version runs hundreds of times faster than the loop.  Anything under DECISIVE × SPEEDUP in that first look,
# passing or not, is measured again at length before it is judged, so a verdict near the bar never rests on a
# glimpse.  (Only a slowed loop run could lift a slow answer over the bar, hence the faster of two.)
DECISIVE = 5


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
    node = submission.definition("paired_rmse")
    if node is None:
        fail("paired_rmse should be a function defined with def", HINT)
    found = [n for n in ast.walk(node) if isinstance(n, LOOPS)]
    if any(isinstance(n, (ast.For, ast.While)) for n in found):
        fail("paired_rmse uses a for/while loop: Python then handles the images one at a time, which is what Q8 "
             "is about avoiding; write one tensor expression for the whole stack", HINT)
    if found:
        fail("paired_rmse uses a comprehension (a loop in one line): write one tensor expression for the whole "
             "stack instead", HINT)
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            name = n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
            if name in HIDDEN_LOOPS:
                fail(f"paired_rmse calls {name}(...), which still runs Python once per image or per number; "
                     "write one tensor expression for the whole stack", HINT)


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
    """The faster of two runs of the baseline, with the collector paused (as timeit does)."""
    import gc

    runs = []
    for _ in range(2):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            began = time.perf_counter()
            loop_rmse(a, b)
            runs.append(time.perf_counter() - began)
        finally:
            if was_enabled:
                gc.enable()
    return min(runs)


def student_seconds(submission, a, b, least: float) -> float:
    """Seconds per call of paired_rmse, timed here around whole requests of as many calls as it takes to fill
    *least* seconds; every call's output is checked, so the count divided by is the count made."""
    calls = 8
    while True:
        began = time.perf_counter()
        outputs = submission.harness("run_student", device="cpu", calls=calls)
        elapsed = time.perf_counter() - began
        outputs = expect_tensor(outputs, "paired_rmse's outputs could not be read", HINT)
        if tuple(outputs.shape) != (calls, len(a)) or not torch.allclose(
                outputs.double(), reference(a, b).expand(calls, -1), rtol=1e-4, atol=1e-6):
            fail("paired_rmse did not give the right distances on every one of the timed calls", HINT)
        if elapsed >= least or calls >= 4096:
            return elapsed / calls
        calls *= 4


@property_case
@points(2)
def test_at_least_20_times_faster_than_a_loop(submission, record):
    """paired_rmse is at least 20 times faster than a Python loop over the same pixels"""
    a, b = images(TIMING_N, 99)
    submission.put("q08/a", a)
    submission.put("q08/b", b)
    check(a, b, submission.harness("student_output", device="cpu"))  # a wrong answer earns no speed credit
    loop = loop_seconds(a, b)  # in this process: nothing in the sandbox can slow the baseline
    yours = student_seconds(submission, a, b, least=0.01)
    if loop / yours < DECISIVE * SPEEDUP:
        loop = min(loop, loop_seconds(a, b))
        yours = min(student_seconds(submission, a, b, least=0.08) for _ in range(2))
    speedup = loop / yours
    record.metric("Python loop (ms per call)", round(loop * 1e3, 3))
    record.metric("paired_rmse (ms per call)", round(yours * 1e3, 3))
    record.metric("speed-up", round(speedup, 1))
    if speedup < SPEEDUP:
        fail(f"paired_rmse was only {speedup:.1f} times faster than a plain Python loop over the same pixels "
             f"(Q8 asks for at least {SPEEDUP} times): something in it still works one image or one number at a "
             "time in Python; let single tensor operations handle the whole stack", HINT)
