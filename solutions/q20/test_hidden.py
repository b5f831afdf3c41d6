"""Hidden suite for Q20: accuracy_and_grad on outputs the student never saw. The accuracy is computed here from the
outputs and targets; the gradient must be autograd's (a backward call, checked statically) and is zero everywhere,
which is the point of the question."""
import ast

import torch

from grader.judge.api import asks_autograd, code_of, fail, points, property_case, type_name
from grader.judge.api import StudentError

HINT = ("Accuracy only changes when an output crosses the threshold, so autograd finds a gradient of zero: "
        "preds.sigmoid().round() gives 1 for a predicted 3, compare it with targets, take the mean, call backward "
        "and read preds.grad. See Q20 and the chapter's section 'The MNIST Loss Function'.")


def unseen(n, shape_1, seed, float_targets=False):
    gen = torch.Generator().manual_seed(seed)
    preds = torch.randn(n, generator=gen) * 3
    preds[preds.abs() < 1e-3] = 0.5  # keep clear of the threshold itself
    targets = torch.randint(0, 2, (n,), generator=gen)
    if float_targets:
        targets = targets.float()
    if shape_1:
        preds, targets = preds.view(n, 1), targets.view(n, 1)
    return preds, targets


def accuracy(preds, targets) -> float:
    return ((preds > 0).long() == targets.long()).double().mean().item()


def call(submission, preds, targets):
    try:
        got = submission.call("accuracy_and_grad", preds.clone().requires_grad_(), targets.clone())
    except StudentError as exc:
        message = str(exc.info.get("message"))
        if "does not require grad" in message or "does not have a grad_fn" in message:
            fail("backward failed because the accuracy was built from a comparison (preds > 0, ==, a boolean mask): "
                 "autograd cannot follow a step from 'output' to 'right or wrong', which is Q20's point. Make the "
                 "threshold with an operation autograd can differentiate, such as preds.sigmoid().round()", HINT)
        raise
    if not isinstance(got, tuple) or len(got) != 2:
        fail(f"accuracy_and_grad returned {type_name(got)}; it should return a tuple (accuracy, gradient)", HINT)
    return got


def as_number(acc):
    if isinstance(acc, torch.Tensor) and acc.numel() == 1:
        return float(acc.reshape(-1)[0])
    if isinstance(acc, (int, float)) and not isinstance(acc, bool):
        return float(acc)
    fail(f"the accuracy returned is {type_name(acc)}; return it as a Python float (accuracy.item())", HINT)


CASES = [(40, False, 1, False), (25, True, 2, True), (1, False, 3, False), (200, True, 4, False)]


@points(2)
def test_accuracy_on_unseen_outputs(submission):
    """the accuracy is right on unseen outputs and targets, shapes (N,) and (N, 1)"""
    for n, shape_1, seed, float_targets in CASES:
        preds, targets = unseen(n, shape_1, seed, float_targets)
        acc = as_number(call(submission, preds, targets)[0])
        want = accuracy(preds, targets)
        if abs(acc - want) <= 1e-6:
            continue
        if abs(acc - (1 - want)) <= 1e-6 and abs(want - 0.5) > 1e-6:
            fail("the accuracy is the fraction of wrong answers: a positive output predicts a 3 (target 1); "
                 "count the outputs on the right side", HINT)
        if abs(acc - ((preds > 0.5).long() == targets.long()).double().mean().item()) <= 1e-6:
            fail("the accuracy compared the raw outputs with 0.5: the outputs are not probabilities yet, so "
                 "apply the sigmoid first (or, equivalently, compare the raw outputs with 0)", HINT)
        probs = preds.double().sigmoid()
        if abs(acc - torch.where(targets == 1, probs, 1 - probs).mean().item()) <= 1e-5:
            fail("the accuracy is the average sigmoid of the right class, a smooth stand-in like the chapter's "
                 "loss, not the accuracy: round the sigmoid to 0 or 1 first, then count the right answers", HINT)
        if n > 1 and abs(acc - want * n) <= 1e-6:
            fail("the accuracy is a count of right answers; divide by the number of outputs (take the mean)", HINT)
        fail("the accuracy is wrong on unseen outputs", HINT)


@property_case
@points(1)
def test_gradient_is_autograds_zero(submission):
    """the gradient has the shape of preds and is zero everywhere (autograd's answer)"""
    for n, shape_1, seed, float_targets in CASES:
        preds, targets = unseen(n, shape_1, seed, float_targets)
        grad = call(submission, preds, targets)[1]
        if grad is None:
            fail("the gradient returned is None: .grad is filled only on the tensor that requires gradients and "
                 "that the accuracy was computed from (preds itself); read preds.grad after backward, or use "
                 "torch.autograd.grad(accuracy, preds)", HINT)
        if not isinstance(grad, torch.Tensor):
            fail(f"the gradient returned is {type_name(grad)}; return the tensor autograd gives", HINT)
        if tuple(grad.shape) != tuple(preds.shape):
            fail(f"the gradient has shape {tuple(grad.shape)} but preds has shape {tuple(preds.shape)}: the "
                 "gradient with respect to preds has one entry per output, in preds' shape", HINT)
        if not torch.isfinite(grad).all():
            fail("the gradient contains nan or inf", HINT)
        if grad.abs().max().item() != 0:
            fail("the gradient is not zero: what was differentiated is a smooth function of the outputs (the "
                 "sigmoid itself, or a loss like mnist_loss), not the accuracy. Accuracy only counts right and "
                 "wrong answers; round the sigmoid to 0 or 1 before comparing with the targets", HINT)


@property_case
@points(1)
def test_gradient_comes_from_autograd(submission):
    """the gradient is computed by autograd (backward or torch.autograd.grad), not written down"""
    preds, targets = unseen(8, False, 5)
    call(submission, preds, targets)  # a function that does not run earns nothing here
    code = code_of(submission, "accuracy_and_grad", alternatives=False)
    if not isinstance(code[0], ast.FunctionDef):
        fail("accuracy_and_grad should be a function defined with def", HINT)
    if not asks_autograd(code):  # a helper's backward() counts; a gradient written into .grad does not
        fail("accuracy_and_grad never asks autograd for the gradient (no .backward(), no .grad, no "
             "torch.autograd.grad): writing down zeros assumes the answer; Q20 asks you to let autograd show it",
             HINT)
