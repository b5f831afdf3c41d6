"""Hidden suite for Q34: relu against F.relu on tensors the student never saw (shapes, dtypes, -0.0, huge values,
infinities), the input left unchanged, a hand-written function, and the student's curve on [-2, 2] for the report."""
import ast

import torch
import torch.nn.functional as F

from grader.judge.api import code_of, fail, points, property_case, type_name, walk_code
from grader.judge.api import StudentError

HINT = ("ReLU replaces every negative entry with 0 and keeps the others: x.max(torch.tensor(0.0)), x.clamp(min=0) or "
        "torch.where(x > 0, x, 0.0) all work on a whole tensor at once. See Q34 and the chapter's section 'Adding a "
        "Nonlinearity'.")


def same(a, b) -> bool:
    """Same shape and values (-0.0 equals 0.0; NaN never equals anything)."""
    return isinstance(a, torch.Tensor) and a.shape == b.shape and bool(torch.equal(a.double(), b.double()))


def relu(submission, x):
    try:
        return submission.call("relu", x.clone())
    except StudentError as exc:
        if exc.type == "RuntimeError" and "ambiguous" in str(exc.info.get("message")):
            fail("relu raised 'Boolean value of Tensor with more than one value is ambiguous': Python's max(x, 0) "
                 "or an `if x > 0` compares a single number, not a whole tensor; use a tensor operation such as "
                 "x.clamp(min=0) or x.max(torch.tensor(0.0))", HINT)
        raise


def check(x, got):
    """Fail with a message naming the misunderstanding, or return when got is F.relu(x)."""
    want = F.relu(x)
    if isinstance(got, list):
        fail("relu returned a Python list; return a tensor (no loop over the entries is needed)", HINT)
    if isinstance(got, (int, float)):
        fail(f"relu returned {type_name(got)}; it should return a tensor the shape of x", HINT)
    if not isinstance(got, torch.Tensor):
        fail(f"relu returned {type_name(got)}; it should return a tensor", HINT)
    if got.shape != x.shape:
        fail(f"relu returned shape {tuple(got.shape)} for an input of shape {tuple(x.shape)}; ReLU works entry by "
             "entry and keeps the shape", HINT)
    if same(got, want):
        if got.dtype != x.dtype:
            fail(f"relu turned a {str(x.dtype).replace('torch.', '')} tensor into "
                 f"{str(got.dtype).replace('torch.', '')}; keep the dtype", HINT)
        return
    if torch.isnan(got).any() and not torch.isnan(want).any():
        fail("relu gave NaN for an infinite input: multiplying by a mask, x * (x > 0), turns -inf × 0 into NaN; "
             "choose values instead of multiplying (x.clamp(min=0), torch.where)", HINT)
    if same(got, x.abs()):
        fail("relu turned negative numbers into positive ones (abs); ReLU replaces them with 0", HINT)
    if same(got, (x > 0).to(got.dtype)) or same(got, (x >= 0).to(got.dtype)):
        fail("relu returned 0 or 1 (a step function); ReLU keeps each positive value as it is", HINT)
    if same(got, x.clamp(max=0)):
        fail("relu kept the negative values and zeroed the positive ones: it is the other way round", HINT)
    if same(got, x):
        fail("relu returned its input unchanged; the negative entries should become 0", HINT)
    fail("relu gave values that differ from ReLU's on an unseen tensor", HINT)


@points(2)
def test_values_on_unseen_tensors(submission):
    """relu matches F.relu on unseen tensors of several shapes and dtypes"""
    gen = torch.Generator().manual_seed(34)
    inputs = [torch.randn(12, generator=gen) * 3, torch.randn(3, 4, 5, generator=gen),
              torch.randn(2, 784, generator=gen, dtype=torch.float64), torch.tensor(-1.5), torch.tensor(2.25),
              torch.empty(0), torch.linspace(-5, 5, 11)]
    for x in inputs:
        check(x, relu(submission, x))


@property_case
@points(1)
def test_edge_values(submission):
    """relu handles -0.0, huge values, tiny values and infinities like F.relu"""
    edges = [-0.0, 0.0, 1e30, -1e30, 3.0e38, -3.0e38, 1e-40, -1e-40, float("inf"), float("-inf")]
    check(torch.tensor(edges), relu(submission, torch.tensor(edges)))
    x64 = torch.tensor(edges + [1e300, -1e300], dtype=torch.float64)
    check(x64, relu(submission, x64))


@property_case
@points(1)
def test_leaves_its_input_unchanged(submission):
    """relu returns a new tensor and leaves its input unchanged"""
    gen = torch.Generator().manual_seed(340)
    for x in [torch.randn(20, generator=gen), torch.randn(4, 5, generator=gen, dtype=torch.float64)]:
        try:
            after = submission.harness("input_after_call", x=x.clone())
        except StudentError:
            after = None
            relu(submission, x)  # names the mistake if relu itself fails
        if not isinstance(after, torch.Tensor) or not torch.equal(after, x):
            fail("relu changed the tensor it was given: x[x < 0] = 0, x.clamp_(...) or F.relu(x, inplace=True) "
                 "modify x in place; build a new tensor instead", HINT)


@points(1)
def test_curve_on_minus_two_to_two(submission, record):
    """relu's curve on 81 points from -2 to 2 (drawn in your report)"""
    x = torch.linspace(-2, 2, 81)
    got = relu(submission, x)
    if isinstance(got, torch.Tensor) and got.shape == x.shape and torch.isfinite(got).all():
        record.curve("Your ReLU on [-2, 2]", {"relu(x)": got.double().tolist()}, x_label="x", y_label="relu(x)",
                     x=x.tolist())
    check(x, got)


BUILT_IN = {"relu", "relu_", "ReLU"}


@property_case
@points(1)
def test_written_by_hand(submission):
    """relu is written with tensor operations, not by calling PyTorch's ReLU"""
    check(torch.tensor([-1.0, 0.5]), relu(submission, torch.tensor([-1.0, 0.5])))  # an unfinished one earns nothing
    code = code_of(submission, "relu")
    if not isinstance(code[0], ast.FunctionDef):
        fail("relu should be a function defined with def", HINT)
    for n in walk_code(code):  # PyTorch's own ReLU behind a helper or an alias is still PyTorch's
        name = n.attr if isinstance(n, ast.Attribute) else n.id if isinstance(n, ast.Name) else None
        if name in BUILT_IN:
            fail(f"relu calls PyTorch's own {name}; Q34 asks you to write it yourself (one line with clamp, max or "
                 "torch.where)", HINT)
