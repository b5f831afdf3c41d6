"""Hidden suite for Q17: trajectories on unseen quadratics, convergence at a small lr, divergence at a high one.

For f(x) = a (x - c)², one step maps x - c to (1 - 2·a·lr)(x - c): it shrinks when lr < 1/a (and oscillates
around c, still shrinking, when 1/(2a) < lr < 1/a) and grows when lr > 1/a. The first case compares whole
trajectories with the grader's own; the other two look at the behaviour (ends near c, or moves away at every step)
and, when it is wrong, compare the trajectory to say why.
"""
import random

import torch

from grader.judge.api import fail, points, type_name

HINT = ("One step is x = x - lr * 2 * a * (x - c) (or x.grad from backward, cleared after each step). A step "
        "multiplies the distance to c by (1 - 2·a·lr): when lr is too high that factor is beyond -1, so every step "
        "overshoots further. See Q17 and the chapter's section 'Stepping With a Learning Rate'.")


def path(a, c, x0, lr, steps, grad=lambda a, c, x: 2 * a * (x - c), accumulate=False, sign=-1):
    xs, x, total = [x0], x0, 0.0
    for _ in range(steps):
        g = grad(a, c, x)
        total = total + g if accumulate else g
        x = x + sign * lr * total
        xs.append(x)
    return xs


def close(got, want) -> bool:
    g, w = torch.tensor(got, dtype=torch.float64), torch.tensor(want, dtype=torch.float64)
    return g.shape == w.shape and torch.allclose(g, w, rtol=1e-4, atol=1e-6)


def trajectory(submission, a, c, x0, lr, steps):
    """The student's trajectory as a list of floats, or a failure saying what came back instead."""
    got = submission.call("sgd_quadratic", a, c, x0, lr, steps)
    if isinstance(got, torch.Tensor) and got.dim() == 0:
        fail("sgd_quadratic returned only one number; return the whole trajectory, a list of steps + 1 floats", HINT)
    if not isinstance(got, list):
        fail(f"sgd_quadratic returned {type_name(got)}; it should return a list of Python floats", HINT)
    values = []
    for v in got:
        if isinstance(v, torch.Tensor) and v.numel() == 1:
            v = v.item()
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            fail(f"sgd_quadratic's list holds {type_name(v)}; it should hold numbers (use .item())", HINT)
        values.append(float(v))
    return values


def check(submission, a, c, x0, lr, steps, got=None):
    """Fail with a message naming the mistake unless the trajectory is gradient descent's; return it."""
    got = trajectory(submission, a, c, x0, lr, steps) if got is None else got
    want = path(a, c, x0, lr, steps)
    if close(got, want):
        return got
    if len(got) == steps and close(got, want[1:]):
        fail("sgd_quadratic left out the starting point: the trajectory starts with x0, then one value per step",
             HINT)
    if len(got) == steps and close(got, want[:-1]):
        fail("sgd_quadratic stopped one step early: it should take `steps` steps and return steps + 1 values", HINT)
    if len(got) != steps + 1:
        fail(f"sgd_quadratic returned {len(got)} values for {steps} steps; it should return steps + 1 (x0, then "
             "one value per step)", HINT)
    if close(got, path(a, c, x0, lr, steps, sign=+1)):
        fail("sgd_quadratic added the gradient: x + lr * gradient climbs up the loss; gradient descent subtracts it",
             HINT)
    if close(got, path(a, c, x0, lr, steps, accumulate=True)):
        fail("sgd_quadratic let the gradients accumulate: backward() adds to x.grad, so without clearing it after "
             "each step every step uses the sum of all gradients so far (zero it, see Q31)", HINT)
    if close(got, path(a, c, x0, lr, steps, grad=lambda a, c, x: a * (x - c))):
        fail("sgd_quadratic used a * (x - c) as the gradient; the derivative of a * (x - c) ** 2 is 2 * a * (x - c)",
             HINT)
    if close(got, path(a, c, x0, lr, steps, grad=lambda a, c, x: 2 * (x - c))):
        fail("sgd_quadratic ignored a in the gradient; the derivative of a * (x - c) ** 2 is 2 * a * (x - c)", HINT)
    if close(got, path(a, c, x0, lr, steps, grad=lambda a, c, x: 2 * a * x)):
        fail("sgd_quadratic ignored c: the loss a * (x - c) ** 2 has its minimum at c, not at 0", HINT)
    fail("sgd_quadratic's trajectory is wrong on an unseen quadratic", HINT)


def quadratics(seed, count):
    rng = random.Random(seed)
    return [(round(rng.uniform(0.3, 4.0), 3), round(rng.uniform(-5, 5), 3), round(rng.uniform(-5, 5), 3))
            for _ in range(count)]


@points(2)
def test_trajectories_on_unseen_quadratics(submission):
    """sgd_quadratic follows gradient descent step by step on quadratics it has never seen"""
    for k, (a, c, x0) in enumerate(quadratics(17, 6)):
        lr = (0.05, 0.3, 0.7, 0.95, 1.2, 1.6)[k] / a  # both sides of 1/a
        check(submission, a, c, x0 if abs(x0 - c) > 0.5 else c + 2.0, lr, 8)
    check(submission, 2.0, 1.0, 1.0, 0.1, 3)  # starting at the minimum: it stays there


@points(1)
def test_small_learning_rate_converges(submission, record):
    """with a small learning rate, sgd_quadratic converges to the minimum at c"""
    a, c = 1.5, 0.5
    series = {f"lr = {m:g}/a": [v - c for v in trajectory(submission, a, c, c + 2.0, m / a, 12)]
              for m in (0.1, 0.4, 0.9, 1.1)}
    if all(abs(v) < 1e6 for values in series.values() for v in values):
        record.curve("distance to the minimum, x - c, for f(x) = 1.5 (x - 0.5)²", series, "step", "x - c")
    for a, c, x0 in quadratics(170, 3):
        x0, lr = c + 3.0, 0.2 / a
        got = trajectory(submission, a, c, x0, lr, 40)
        if len(got) != 41 or abs(got[-1] - c) > 1e-3 * abs(x0 - c):
            check(submission, a, c, x0, lr, 40, got)  # says what is wrong with the steps, when it can
            fail("with a small learning rate sgd_quadratic did not end close to the minimum c", HINT)


@points(1)
def test_too_high_learning_rate_diverges(submission):
    """with a learning rate above 1/a, sgd_quadratic moves away from the minimum at every step"""
    for a, c, x0 in quadratics(171, 3):
        x0, lr = c - 1.0, 1.4 / a
        got = trajectory(submission, a, c, x0, lr, 12)
        distances = [abs(v - c) for v in got]
        if len(got) != 13 or not all(later > earlier for earlier, later in zip(distances, distances[1:])):
            check(submission, a, c, x0, lr, 12, got)  # says what is wrong with the steps, when it can
            fail("with a learning rate above 1/a, each step should overshoot the minimum by more than the last",
                 HINT)
