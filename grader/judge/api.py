"""What a suite author writes with: failures that carry feedback, and comparisons that produce it.

A failing case tells the student what was expected, what happened and a hint pointing at the idea or chapter
section.  Hidden cases show only ``message`` and ``hint``: the renderers drop ``expected``/``actual`` for them, so
authors can always fill them in and never leak them.

All comparisons run in the grading process on plain data that came out of the sandbox, with the grader's own
torch: a student's patched ``torch.allclose`` or always-equal object never reaches here.
"""
from __future__ import annotations

import math

import pytest

from grader.judge.backend import StudentError  # noqa: F401 - what a suite catches when student code raises
from grader.judge.static import (asks_autograd, code_of, defined_name, find_in_code, global_names,  # noqa: F401
                                 library_names, walk_code)  # what a check of how an answer is written reads

points = pytest.mark.points  # @points(2): the case's weight within its exercise
# @property_case: the case checks a side property (an edge case, the input left alone, dtype/shape/format, speed,
# style), not the behaviour the question asks for. It counts only once the exercise's core cases (every unmarked
# case) pass, or pass past the share its exercise.toml declares as core_share; until then it scores 0 and the
# feedback says "not counted until ... works". A trivial answer (return None, [], 0, the input, a constant) must
# never pass a core case: make such a case a property.
property_case = pytest.mark.property_case


class Failure(AssertionError):
    """A case failed; ``message`` is for every student, ``expected``/``actual`` only for public cases."""

    def __init__(self, message: str, hint: str = "", expected=None, actual=None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.expected = None if expected is None else show(expected)
        self.actual = None if actual is None else show(actual)


def fail(message: str, hint: str = "", expected=None, actual=None):
    raise Failure(message, hint, expected, actual)


def show(value, limit: int = 300) -> str:
    """A short, readable rendering of a value for feedback (tensors as their values, truncated)."""
    try:
        import torch

        if isinstance(value, torch.Tensor):
            body = repr(value.detach().cpu().tolist()) if value.numel() <= 64 else \
                f"tensor of shape {tuple(value.shape)}"
            text = f"tensor({body}, dtype={str(value.dtype).replace('torch.', '')})"
        else:
            text = repr(value)
    except Exception:  # noqa: BLE001 - feedback must never be the thing that crashes
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def type_name(value) -> str:
    try:
        import torch

        if isinstance(value, torch.Tensor):
            return f"a tensor of shape {tuple(value.shape)}"
    except ImportError:  # pragma: no cover
        pass
    return {list: "a list", tuple: "a tuple", dict: "a dict", int: "an int", float: "a float", str: "a string",
            type(None): "None", bool: "a bool"}.get(type(value), _article(type(value).__name__))


def _article(name: str) -> str:
    """'a Foo', 'an ndarray': the article follows the sound of the first letter, near enough."""
    return f"{'an' if name[:1].lower() in 'aeio' or name.startswith('nd') else 'a'} {name}"


def expect_equal(actual, expected, message: str, hint: str = "") -> None:
    """Exact equality, with types checked too (a tuple is not a list, ``True`` is not ``1``)."""
    if not _same(actual, expected):
        fail(message, hint, expected, actual)


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    try:
        import torch

        if isinstance(a, torch.Tensor):
            return a.shape == b.shape and a.dtype == b.dtype and bool(torch.equal(a.cpu(), b.cpu()))
    except ImportError:  # pragma: no cover
        pass
    return a == b


def expect_tensor(actual, message: str, hint: str = "", shape=None, dtype=None):
    """Fail unless *actual* is a tensor (of *shape* / floating or *dtype* when given); return it."""
    import torch

    if not isinstance(actual, torch.Tensor):
        fail(f"{message}: got {type_name(actual)} instead of a tensor", hint,
             expected="a tensor" if shape is None else f"a tensor of shape {tuple(shape)}", actual=actual)
    if shape is not None and tuple(actual.shape) != tuple(shape):
        fail(f"{message}: the tensor has shape {tuple(actual.shape)}, not {tuple(shape)}", hint,
             expected=f"shape {tuple(shape)}", actual=f"shape {tuple(actual.shape)}")
    if dtype == "float" and not actual.is_floating_point():
        fail(f"{message}: the tensor holds {str(actual.dtype).replace('torch.', '')}, not floats", hint,
             expected="a floating-point tensor", actual=actual)
    return actual


def expect_close(actual, expected, message: str, hint: str = "", atol: float = 1e-5, rtol: float = 1.3e-6,
                 check_dtype: bool = False) -> None:
    """A tensor of the right shape whose values match *expected* within tolerance, with no NaN or inf."""
    import torch

    actual = expect_tensor(actual, message, hint, shape=expected.shape)
    if check_dtype and actual.dtype != expected.dtype:
        fail(f"{message}: dtype {actual.dtype} instead of {expected.dtype}", hint, expected.dtype, actual.dtype)
    a = actual.detach().cpu().to(torch.float64)
    e = expected.detach().cpu().to(torch.float64)
    if not torch.isfinite(a).all() and torch.isfinite(e).all():
        fail(f"{message}: the result contains NaN or infinity", hint, expected, actual)
    if not torch.allclose(a, e, atol=atol, rtol=rtol, equal_nan=True):
        worst = (a - e).abs().max().item() if a.numel() else 0.0
        fail(f"{message} (largest difference {worst:.3g})", hint, expected, actual)
