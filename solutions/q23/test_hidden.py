"""Hidden suite for Q23: sgd_step on unseen tensors and learning rates, in place (same tensor objects, same memory,
checked inside the sandbox by the public harness), gradients reset, and model.parameters() given as a generator."""
import torch

from grader.judge.api import fail, points, property_case
from grader.judge.api import StudentError

HINT = ("new weight = weight - lr × gradient, done in place on the tensor itself and without tracking gradients, "
        "then the used gradient is cleared. See Q23 and the chapter's sections 'Stepping With a Learning Rate' and "
        "'Creating an Optimizer'.")


def close(a, b) -> bool:
    return isinstance(a, torch.Tensor) and a.shape == b.shape and bool(
        torch.allclose(a.double(), b.double(), atol=1e-6, rtol=1e-5))


def unseen(seed):
    gen = torch.Generator().manual_seed(seed)
    values = [torch.randn(5, 3, generator=gen), torch.randn(3, generator=gen), torch.randn(2, 2, 2, generator=gen)]
    grads = [torch.randn(v.shape, generator=gen) for v in values]
    return values, grads


def run(submission, function, **params):
    try:
        return submission.harness(function, **params)
    except StudentError as exc:
        message = str(exc.info.get("message"))
        if "leaf Variable that requires grad" in message:
            fail("sgd_step changed a tensor that requires gradients in place while autograd was recording, which "
                 "PyTorch refuses: do the update inside `with torch.no_grad():` (or on p.data)", HINT)
        if "NoneType" in message:
            fail("sgd_step used a gradient that was None: reset the gradients only after every parameter has taken "
                 "its step, and don't reset them before using them", HINT)
        raise


def check_values(probe, values, grads, lr, what):
    """Fail with a message naming the mistake unless every tensor now holds value - lr * grad."""
    after = probe["values"]
    want = [v - lr * g for v, g in zip(values, grads)]
    if all(close(a, w) for a, w in zip(after, want)):
        return
    if any(probe.get("list_entries_replaced", [])):
        fail(f"{what}: sgd_step put new tensors into the list (params[i] = ...) instead of changing the tensors "
             "themselves; the model still holds the old ones. Update each tensor in place", HINT)
    if all(close(a, v) for a, v in zip(after, values)):
        fail(f"{what}: the weights did not change. Writing p = p - lr * p.grad only makes the name p point to a new "
             "tensor; change the tensor itself in place (p -= ... inside torch.no_grad(), or p.data -= ...)", HINT)
    if all(close(a, v + lr * g) for a, v, g in zip(after, values, grads)):
        fail(f"{what}: sgd_step added lr × gradient: that climbs the loss (gradient ascent); subtract it", HINT)
    if all(close(a, v - g) for a, v, g in zip(after, values, grads)):
        fail(f"{what}: sgd_step subtracted the whole gradient, ignoring the learning rate; multiply it by lr",
             HINT)
    if all(close(a, v - g / lr) for a, v, g in zip(after, values, grads)):
        fail(f"{what}: sgd_step divided the gradient by lr; the step is lr × gradient", HINT)
    if any(close(a, v) for a, v in zip(after, values)):
        fail(f"{what}: only some of the tensors were updated; step every tensor in params", HINT)
    fail(f"{what}: the new weights are not weight - lr × gradient", HINT)


@points(2)
def test_steps_against_the_gradient(submission):
    """every tensor moves by -lr × its gradient, for unseen tensors and learning rates"""
    for seed, lr in [(1, 0.1), (2, 0.03), (3, 1.5)]:
        values, grads = unseen(seed)
        probe = run(submission, "step_probe", values=values, grads=grads, lr=lr)
        check_values(probe, values, grads, lr, f"with lr {lr}")


@property_case
@points(1)
def test_updates_in_place(submission):
    """the caller's own tensors hold the new values, in the same memory, and still require gradients"""
    values, grads = unseen(4)
    probe = run(submission, "step_probe", values=values, grads=grads, lr=0.2)
    check_values(probe, values, grads, 0.2, "with lr 0.2")
    if not all(probe["same_storage"]):
        fail("sgd_step gave the parameters new memory (p.data = p.data - ... builds a new tensor and swaps it in) "
             "instead of changing their numbers in place: use p -= ... inside torch.no_grad(), or p.data -= ...",
             HINT)
    if not all(probe["requires_grad"]):
        fail("after sgd_step the parameters no longer require gradients, so the next backward cannot reach them; "
             "leave requires_grad alone", HINT)


@points(1)
def test_resets_the_gradients(submission):
    """every gradient is reset (None or zeros) after the step"""
    check_reset(run_list(submission, seed=5, lr=0.1))


def run_list(submission, seed, lr):
    values, grads = unseen(seed)
    probe = run(submission, "step_probe", values=values, grads=grads, lr=lr)
    check_values(probe, values, grads, lr, f"with lr {lr}")
    return probe


def check_reset(probe):
    grads = probe["grads"]
    left = [g for g in probe["grads"] if g is not None and g.abs().max().item() != 0]
    if len(left) == len(grads):
        fail("sgd_step left the gradients in place: backward adds to .grad, so the next step would use old and new "
             "gradients together; set p.grad = None (or p.grad.zero_()) after the step", HINT)
    if left:
        fail("sgd_step reset only some of the gradients; reset the gradient of every tensor", HINT)


@property_case
@points(1)
def test_works_with_model_parameters(submission):
    """sgd_step(model.parameters(), lr) steps and resets every parameter of an nn.Linear (a generator, read once)"""
    check_reset(run_list(submission, seed=7, lr=0.25))  # name the mistake when a plain list fails too
    gen = torch.Generator().manual_seed(6)
    weight, bias = torch.randn(2, 4, generator=gen), torch.randn(2, generator=gen)
    x, y = torch.randn(8, 4, generator=gen), torch.randn(8, 2, generator=gen)
    w, b = weight.clone().requires_grad_(), bias.clone().requires_grad_()
    ((x @ w.T + b - y) ** 2).mean().backward()
    lr = 0.05
    probe = run(submission, "module_probe", weight=weight, bias=bias, x=x, y=y, lr=lr)
    if not (close(probe["values"][0], weight - lr * w.grad) and close(probe["values"][1], bias - lr * b.grad)):
        if close(probe["values"][0], weight) and close(probe["values"][1], bias):
            fail("given model.parameters(), sgd_step did not change the model: a generator is used up after one "
                 "pass, so if you went through it once before stepping (e.g. len(list(params))), nothing was left; "
                 "go through params once, or keep list(params)", HINT)
        fail("given model.parameters(), sgd_step did not move the model's weight and bias by -lr × their "
             "gradients", HINT)
    if any(g is not None and g.abs().max().item() != 0 for g in probe["grads"]):
        fail("given model.parameters(), sgd_step stepped but left the gradients in place: a generator can be read "
             "only once, so a second loop over params to reset the gradients sees nothing; step and reset in the "
             "same loop (or keep list(params))", HINT)
