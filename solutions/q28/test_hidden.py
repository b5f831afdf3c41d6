"""Hidden suite for Q28: xb @ w + b on shapes the student never saw, the output at x = 0, and a single input."""
import torch

from grader.judge.api import fail, points, property_case, type_name
from grader.judge.api import StudentError

HINT = ("The linear model is xb @ w + b: the matrix product gives one row per input and one column per output, "
        "then b (one number per output) is added to every row. See Q28 and the chapter's section 'The MNIST Loss "
        "Function', where linear1 is written.")


def unseen(n, k, m, seed, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    xb = torch.randn(n, k, generator=gen, dtype=torch.float64).to(dtype) if n else \
        torch.randn(k, generator=gen, dtype=torch.float64).to(dtype)
    w = torch.randn(k, m, generator=gen, dtype=torch.float64).to(dtype)
    b = (torch.randn(m, generator=gen, dtype=torch.float64) * 3 + 2).to(dtype)  # far from 0, so it shows
    return xb, w, b


def close(a, b) -> bool:
    return isinstance(a, torch.Tensor) and a.shape == b.shape and bool(
        torch.allclose(a.double(), b.double(), atol=1e-4, rtol=1e-4))


def linear1(submission, xb, w, b):
    """The student's linear1, with a shape error turned into feedback that names the shapes."""
    try:
        return submission.call("linear1", xb, w, b)
    except StudentError as exc:
        if exc.type == "RuntimeError":
            fail(f"linear1 raised RuntimeError ({str(exc.info.get('message'))[:120]}) for xb of shape "
                 f"{tuple(xb.shape)}, w of shape {tuple(w.shape)} and b of shape {tuple(b.shape)}: multiply first, "
                 "xb @ w (a matrix product, shape (N, m)), then add b", HINT)
        raise


def check(xb, w, b, got):
    """Fail with a message naming the misunderstanding, or return when got is xb @ w + b."""
    want = xb @ w + b
    if not isinstance(got, torch.Tensor):
        fail(f"linear1 returned {type_name(got)}; it should return a tensor", HINT)
    if got.shape != want.shape:
        if got.numel() == b.numel() and xb.dim() == 2 and len(xb) > 1:
            fail(f"linear1 returned shape {tuple(got.shape)} for a batch of {len(xb)} inputs: one output for the "
                 "whole batch. Summing (xb * w.T).sum() adds every input's products together; the matrix product "
                 "xb @ w keeps one row per input", HINT)
        fail(f"linear1 returned a tensor of shape {tuple(got.shape)} for xb of shape {tuple(xb.shape)} and w of "
             f"shape {tuple(w.shape)}; xb @ w + b has one row per input and one column per output", HINT)
    if close(got, xb @ w):
        fail("linear1 left out the bias: its output is xb @ w, without + b", HINT)
    if w.shape[1] == 1 and close(got, (xb + b) @ w):
        fail("linear1 added the bias to the inputs before the matrix product; b is added to the output: "
             "xb @ w + b", HINT)
    if not close(got, want):
        fail("linear1 gave wrong values on an unseen batch", HINT)
    if got.dtype != want.dtype:
        fail(f"linear1 turned {str(want.dtype).replace('torch.', '')} inputs into a "
             f"{str(got.dtype).replace('torch.', '')} result; keep the inputs' dtype", HINT)


@points(1)
def test_shapes_and_values_for_one_output(submission):
    """linear1 is right on unseen batches with one output per input, as in the chapter"""
    for n, k, seed in [(5, 7, 1), (1, 3, 2), (64, 784, 3), (9, 2, 4)]:
        xb, w, b = unseen(n, k, 1, seed)
        check(xb, w, b, linear1(submission, xb, w, b))


@points(2)
def test_shapes_and_values_for_several_outputs(submission):
    """linear1 is right on unseen batches with several outputs per input (float32 and float64)"""
    for n, k, m, seed, dtype in [(6, 4, 3, 11, torch.float32), (3, 10, 30, 12, torch.float32),
                                 (8, 5, 2, 13, torch.float64), (2, 2, 5, 14, torch.float64)]:
        xb, w, b = unseen(n, k, m, seed, dtype)
        check(xb, w, b, linear1(submission, xb, w, b))


@property_case
@points(1)
def test_zero_input_gives_the_bias(submission):
    """the output for an all-zero input is exactly the bias, in every row"""
    for n, k, m, seed in [(4, 6, 1, 21), (3, 5, 4, 22)]:
        _, w, b = unseen(n, k, m, seed)
        got = linear1(submission, torch.zeros(n, k), w, b)
        if isinstance(got, torch.Tensor) and got.shape == (n, m) and torch.count_nonzero(got) == 0:
            fail("linear1 gives 0 for an all-zero input whatever the parameters: without a bias the model can "
                 "only draw lines through the origin", HINT)
        check(torch.zeros(n, k), w, b, got)


@property_case
@points(1)
def test_a_single_input(submission):
    """linear1 also works on one input of shape (k,), giving shape (m,)"""
    for k, m, seed in [(784, 1, 31), (6, 3, 32)]:
        xb, w, b = unseen(0, k, m, seed)
        check(xb, w, b, linear1(submission, xb, w, b))
