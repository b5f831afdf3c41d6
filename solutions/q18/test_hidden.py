"""Hidden suite for Q18: gradients of unseen polynomials at unseen points (any shape), and that autograd did it.

Expected values come from the power rule, computed here in float64: p'(t) = c1 + 2·c2·t + 3·c3·t² + ...
"""
import ast
import random

import torch

from grader.judge.api import asks_autograd, code_of, expect_tensor, fail, points, property_case

HINT = ("The gradient is the derivative's value at each point: let autograd track the points, reduce the polynomial "
        "over them to one number, ask for its backward pass once, and read what lands on the points. See Q18 and the "
        "chapter's section 'Calculating Gradients'.")


def poly(coeffs, t):
    return sum(c * t ** k for k, c in enumerate(coeffs)) + 0 * t


def derivative(coeffs):
    return [k * c for k, c in enumerate(coeffs)][1:] or [0.0]


def close(a, b) -> bool:
    return a.shape == b.shape and torch.allclose(a, b, rtol=1e-4, atol=1e-4)


def check(coeffs, xs, got):
    t = xs.double()
    want = poly(derivative(coeffs), t)
    got = expect_tensor(got, "grad_at should return a tensor (the .grad of the points)", HINT)
    if got.dim() == 0 and xs.numel() > 1:
        if torch.allclose(got.double(), poly(coeffs, t).sum(), rtol=1e-4, atol=1e-4):
            fail("grad_at returned f itself, the sum of p over the points: the gradient is how fast f changes at "
                 "each point, one number per point; call backward() and return the points' .grad", HINT)
        fail("grad_at returned a single number; the gradient has one value per point (the shape of xs)", HINT)
    if tuple(got.shape) != tuple(xs.shape):
        fail(f"grad_at returned a tensor of shape {tuple(got.shape)} for points of shape {tuple(xs.shape)}; the "
             "gradient has exactly the shape of xs", HINT)
    got = got.detach().double()
    if close(got, want):
        return
    if close(got, poly(coeffs, t)):
        fail("grad_at returned the values of p at the points, not the gradient (the slope of p there)", HINT)
    if close(got, poly(derivative(derivative(coeffs)), t)):
        fail("grad_at returned the second derivative: the gradient is the first derivative, the slope of f at "
             "each point (one backward pass), not the rate at which the slope changes", HINT)
    if xs.numel() > 1 and close(got * xs.numel(), want):
        fail("grad_at's gradients are too small by the number of points: f sums p over the points (.sum()), "
             "while .mean() divides every gradient by their count", HINT)
    if close(got, 2 * want):
        fail("grad_at's gradients are twice too big: backward() adds into .grad, so calling it twice (or reusing "
             "a .grad) doubles them", HINT)
    fail("grad_at gave wrong gradients for an unseen polynomial", HINT)


def unseen(seed):
    rng = random.Random(seed)
    gen = torch.Generator().manual_seed(seed)
    cases = []
    for shape in [(5,), (1,), (3, 4), (2, 2, 3), (8,)]:
        degree = rng.randint(1, 4)
        coeffs = [round(rng.uniform(-3, 3), 2) for _ in range(degree + 1)]
        xs = (torch.rand(shape, generator=gen) * 4 - 2).float()
        cases.append((coeffs, xs))
    return cases


@points(2)
def test_gradients_of_unseen_polynomials(submission):
    """grad_at gives the slope of unseen polynomials at unseen points (several shapes, zero included)"""
    for coeffs, xs in unseen(18):
        check(coeffs, xs, submission.call("grad_at", coeffs, xs.clone()))
    coeffs, xs = [1.0, 0.0, -1.5, 0.5], torch.tensor([-1.0, 0.0, 0.5, 2.0], dtype=torch.float64)
    check(coeffs, xs, submission.call("grad_at", coeffs, xs.clone()))


@property_case
@points(1)
def test_constant_and_linear(submission):
    """grad_at of a constant is 0 everywhere, and of a line is its slope everywhere"""
    xs = torch.tensor([-3.0, 0.0, 2.5])
    for coeffs in ([-1.0, 3.5], [4.0, 0.0], [4.0]):
        got = submission.call("grad_at", coeffs, xs.clone())
        if got is None:
            fail(f"grad_at({coeffs}, xs) returned None: when f does not change with xs the gradient is zero at "
                 "every point (x ** 0 keeps the points in the computation; torch.zeros_like(xs) also does)", HINT)
        check(coeffs, xs, got)


@property_case
@points(1)
def test_uses_autograd(submission):
    """grad_at lets PyTorch's autograd compute the gradient (backward), not a derivative worked out by hand"""
    submission.call("grad_at", [0.0, 1.0], torch.tensor([1.0]))  # an unfinished function earns nothing here
    code = code_of(submission, "grad_at", alternatives=False)
    if code[0] is None:
        fail("grad_at should be a function defined with def", HINT)
    if not asks_autograd(code):  # backward() called in a helper is autograd too; a variable named grad is not
        fail("grad_at works the derivative out by hand (the power rule) instead of asking PyTorch: call "
             "backward() on f and read .grad, which works for any function, not only polynomials", HINT)
