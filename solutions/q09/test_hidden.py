"""Hidden suite for Q9: values on 3×3 tensors the student never saw, the dtype, and that the input is left alone."""
import torch

from grader.judge.api import fail, points, property_case, type_name

HINT = ("Slicing a tensor takes one slice per axis, t[rows, cols], and a slice start:end leaves end out; double "
        "first with t * 2. See Q9 and the chapter's section 'NumPy Arrays and PyTorch Tensors'.")
EXAMPLE_ANSWER = torch.tensor([[10, 12], [16, 18]])  # the public example's answer, not a secret


def unseen_tensors(dtype, count, seed):
    """3×3 tensors with nine distinct values, negatives included, so every wrong corner looks different."""
    gen = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(count):
        values = torch.randperm(201, generator=gen)[:9] - 100
        t = values.view(3, 3).to(dtype)
        if dtype.is_floating_point:
            t = t / 4  # quarters: exact in float, so doubling is exact too
        out.append(t)
    return out


def same_values(a, b) -> bool:
    return a.shape == b.shape and torch.equal(a.to(torch.float64), b.to(torch.float64))


def check(t, got):
    """Fail with a message naming the misunderstanding, or return when got is the right answer for t."""
    want = (t * 2)[1:, 1:]
    if isinstance(got, list):
        if got == want.tolist():
            fail("doubled_corner returned a nested Python list (from .tolist()?); return the tensor itself", HINT)
        fail("doubled_corner returned a nested Python list; it should return a tensor", HINT)
    if not isinstance(got, torch.Tensor):
        fail(f"doubled_corner returned {type_name(got)}; it should return a tensor", HINT)
    shape = tuple(got.shape)
    if shape != (2, 2):
        fail(f"doubled_corner returned a tensor of shape {shape}, but the bottom-right corner of a 3×3 tensor is "
             "2×2: check your slice bounds (start:end stops before end), and slice rows and columns in one "
             "index, t[rows, cols], rather than t[rows][cols]", HINT)
    if same_values(got, EXAMPLE_ANSWER) and not same_values(want, EXAMPLE_ANSWER):
        fail("doubled_corner returned [[10, 12], [16, 18]] for a tensor that is not 1..9: a hard-coded answer "
             "only works for the 1..9 example; compute the result from t", HINT)
    if same_values(got, t[1:, 1:]):
        fail("doubled_corner took the corner of t itself; the corner must come from t*2, the doubled tensor", HINT)
    if same_values(got, (t * 2)[:2, :2]) or same_values(got, t[:2, :2]):
        fail("doubled_corner took the top-left corner; Q9 asks for the bottom-right one (the last two rows "
             "and the last two columns)", HINT)
    if not same_values(got, want):
        fail("doubled_corner gave wrong values on an unseen 3×3 tensor", HINT)
    if got.dtype != t.dtype:
        was, now = (str(d).replace("torch.", "") for d in (t.dtype, got.dtype))
        fail(f"doubled_corner turned a tensor of dtype {was} into one of dtype {now}; doubling should keep the "
             "dtype (multiply by the integer 2, not 2.0, and don't convert)", HINT)


@points(2)
def test_values_on_unseen_integer_tensors(submission):
    """doubled_corner is right on integer 3×3 tensors it has never seen (negatives, int64 and int32)"""
    for t in unseen_tensors(torch.int64, 8, seed=9) + unseen_tensors(torch.int32, 4, seed=90):
        check(t, submission.call("doubled_corner", t.clone()))


@points(1)
def test_values_on_unseen_float_tensors(submission):
    """doubled_corner is right on float 3×3 tensors it has never seen (float32 and float64)"""
    for t in unseen_tensors(torch.float32, 6, seed=19) + unseen_tensors(torch.float64, 3, seed=190):
        check(t, submission.call("doubled_corner", t.clone()))


@property_case
@points(1)
def test_leaves_its_input_unchanged(submission):
    """doubled_corner leaves the tensor it is given unchanged"""
    for t in unseen_tensors(torch.int64, 2, seed=29) + unseen_tensors(torch.float32, 1, seed=290):
        after = submission.harness("input_after_call", t=t.clone())
        if not isinstance(after, torch.Tensor) or not torch.equal(after, t):
            fail("doubled_corner changed the tensor it was given: t *= 2 (or t.mul_(2)) doubles t in place; "
                 "compute t * 2, a new tensor, and leave t alone", HINT)
