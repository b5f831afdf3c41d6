"""Hidden suite for Q21: sigmoid against torch.sigmoid on tensors the student never saw, huge inputs without nan or
inf, a hand-written function, and the student's curve on [-6, 6] for the report."""
import ast

import torch

from grader.judge.api import code_of, fail, points, property_case, type_name, walk_code
from grader.judge.api import StudentError

HINT = ("sigmoid(x) = 1 / (1 + torch.exp(-x)), on the whole tensor at once: for x = -1000, exp(1000) is inf and "
        "1 / (1 + inf) is exactly 0, so this form never gives nan. See Q21 and the chapter's section 'The MNIST Loss "
        "Function' (subsection 'Sigmoid').")
TOLERANCE = {torch.float32: 1e-6, torch.float64: 1e-12}


def sigmoid(submission, x):
    try:
        return submission.call("sigmoid", x.clone())
    except StudentError as exc:
        message = str(exc.info.get("message"))
        if "only one element tensors" in message or "must be real number" in message:
            fail("sigmoid raised an error on a tensor of several numbers: math.exp (or another function from the "
                 "math module) takes one Python number; torch.exp works on every entry of a tensor at once", HINT)
        raise


def close(got, want) -> bool:
    """Same shape and values within the dtype's tolerance; nan never matches."""
    return (isinstance(got, torch.Tensor) and got.shape == want.shape and
            bool(torch.allclose(got.double(), want.double(), atol=TOLERANCE.get(want.dtype, 1e-6), rtol=1e-5)))


def check(x, got):
    """Fail with a message naming the misunderstanding, or return when got is torch.sigmoid(x)."""
    want = torch.sigmoid(x)
    if isinstance(got, (int, float, list)):
        fail(f"sigmoid returned {type_name(got)}; it should return a tensor the shape of x", HINT)
    if not isinstance(got, torch.Tensor):
        fail(f"sigmoid returned {type_name(got)}; it should return a tensor", HINT)
    if got.shape != x.shape:
        fail(f"sigmoid returned shape {tuple(got.shape)} for an input of shape {tuple(x.shape)}; it works entry "
             "by entry and keeps the shape", HINT)
    if not got.is_floating_point():
        fail(f"sigmoid returned a tensor of {str(got.dtype).replace('torch.', '')}; its values lie between 0 and 1, "
             "so it must stay a float tensor", HINT)
    if torch.isnan(got).any() or torch.isinf(got).any():
        big = x[~torch.isfinite(got)]
        where = "large positive" if (big > 0).all() else "large negative" if (big < 0).all() else "some"
        fail(f"sigmoid gave nan or inf for {where} inputs: torch.exp overflows to inf once its argument passes "
             "about 88 (float32), and inf / inf is nan, as in exp(x) / (1 + exp(x)); write it as "
             "1 / (1 + exp(-x)), which only ever divides 1 by inf", HINT)
    if close(got, want):
        if got.dtype != x.dtype:
            fail(f"sigmoid turned a {str(x.dtype).replace('torch.', '')} tensor into "
                 f"{str(got.dtype).replace('torch.', '')}; keep the dtype of x", HINT)
        return
    if close(got, 1 - want):
        fail("sigmoid is mirrored: it falls as x grows, but sigmoid rises from 0 to 1; the exponent must be -x "
             "(1 / (1 + exp(-x))), or exp(x) in the numerator", HINT)
    if close(got, torch.tanh(x)):
        fail("sigmoid returned tanh(x), which runs from -1 to 1; sigmoid runs from 0 to 1", HINT)
    fail("sigmoid gave values that differ from the sigmoid on an unseen tensor", HINT)


@points(2)
def test_values_on_unseen_tensors(submission):
    """sigmoid matches torch.sigmoid on unseen tensors of several shapes and dtypes"""
    gen = torch.Generator().manual_seed(21)
    inputs = [torch.randn(15, generator=gen) * 4, torch.randn(3, 4, 5, generator=gen),
              torch.randn(64, 1, generator=gen, dtype=torch.float64) * 10, torch.tensor(0.75), torch.tensor(-3.5),
              torch.linspace(-8, 8, 33), torch.empty(0)]
    for x in inputs:
        check(x, sigmoid(submission, x))


@property_case
@points(1)
def test_huge_inputs_stay_finite(submission):
    """sigmoid of huge positive and negative inputs (up to ±1e30 and ±inf) is 1 or 0, never nan or inf"""
    edges = [1000.0, -1000.0, 88.0, -88.0, 100.0, -100.0, 1e30, -1e30, float("inf"), float("-inf"), -0.0]
    for dtype in (torch.float32, torch.float64):
        x = torch.tensor(edges + ([1e300, -1e300, 750.0, -750.0] if dtype == torch.float64 else []), dtype=dtype)
        check(x, sigmoid(submission, x))


@points(0.5)
def test_curve_on_minus_six_to_six(submission, record):
    """sigmoid's curve on 121 points from -6 to 6 (drawn in your report)"""
    x = torch.linspace(-6, 6, 121)
    got = sigmoid(submission, x)
    if isinstance(got, torch.Tensor) and got.shape == x.shape and torch.isfinite(got).all():
        record.curve("Your sigmoid on [-6, 6]", {"sigmoid(x)": got.double().tolist()}, x_label="x",
                     y_label="sigmoid(x)", x=x.tolist())
    check(x, got)


BUILT_IN = {"sigmoid", "sigmoid_", "Sigmoid", "expit", "logistic"}


@property_case
@points(1)
def test_written_by_hand(submission):
    """sigmoid is written with torch.exp, not by calling PyTorch's sigmoid"""
    x = torch.tensor([-1.0, 0.5])
    check(x, sigmoid(submission, x))  # an unfinished one earns nothing here
    code = code_of(submission, "sigmoid")
    if not isinstance(code[0], ast.FunctionDef):
        fail("sigmoid should be a function defined with def", HINT)
    for n in walk_code(code):  # PyTorch's own sigmoid behind a helper or an alias is still PyTorch's
        name = n.attr if isinstance(n, ast.Attribute) else n.id if isinstance(n, ast.Name) else None
        if name in BUILT_IN:
            fail(f"sigmoid calls PyTorch's own {name}; Q21 asks you to write the formula yourself "
                 "(1 / (1 + torch.exp(-x)))", HINT)
