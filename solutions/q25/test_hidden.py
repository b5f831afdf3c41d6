"""Hidden suite for Q25: train_epoch on tiny problems the student never saw, run in the sandbox with the grader's
public loader, loss and a recording optimiser. Every gradient the optimiser saw is recomputed here from the batch and
the parameters of that step, and the loss before and after is computed here from the final weights."""
import torch

from grader.judge.api import fail, points
from grader.judge.api import StudentError

HINT = ("One epoch visits every batch once: predict, compute the loss, get its gradients, step, and clear the "
        "gradients before the next batch. Each step must use only the current batch's gradient. See Q25 and the "
        "chapter's sections 'Putting It All "
        "Together' and 'Creating an Optimizer'.")


def mnist_loss(predictions, targets):
    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()


def problem(k, n, seed):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, k, generator=gen)
    y = ((x @ torch.randn(k, 1, generator=gen)) > 0).float()
    return x, y, torch.randn(1, k, generator=gen) * 0.1, torch.zeros(1)


def batch_grads(w, b, xb, yb):
    """One batch's gradients at the parameters (w, b), computed here."""
    w, b = w.clone().requires_grad_(), b.clone().requires_grad_()
    return list(torch.autograd.grad(mnist_loss(xb @ w.T + b, yb), [w, b]))


def close(a, b) -> bool:
    return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape and
            bool(torch.allclose(a.double(), b.double(), atol=1e-6, rtol=1e-4)))


def run(submission, k, n, bs, seed, lr=1.0, epochs=1):
    x, y, w0, b0 = problem(k, n, seed)
    try:
        probe = submission.harness("epoch_probe", x=x, y=y, weight=w0, bias=b0, lr=lr, bs=bs, epochs=epochs)
    except StudentError as exc:
        if "does not require grad" in str(exc.info.get("message")):
            fail("backward() failed: the loss has no path back to the model's parameters. Give loss_func the "
                 "predictions first, loss_func(model(xb), yb), and don't compute them inside torch.no_grad()", HINT)
        raise
    batches = [(x[i:i + bs], y[i:i + bs]) for i in range(0, n, bs)] * epochs
    return probe, batches, (x, y, w0, b0)


def check_counts(probe, batches, epochs=1):
    """One step per batch, from the batches of dl; fail naming what is off."""
    events, n_batches = probe["events"], len(batches)
    taken, steps = events.count("b"), events.count("s")
    if taken == 0:
        fail("train_epoch never took a batch from dl: loop over it, `for xb, yb in dl:`", HINT)
    if events.count("g") == 0:
        fail("train_epoch never called backward() on the loss, so no gradients were computed", HINT)
    if steps == 0:
        fail("train_epoch never called opt.step(), so the parameters never moved", HINT)
    if taken != n_batches:
        fail(f"over {epochs} call(s), train_epoch took {taken} batches from a dl of {n_batches // epochs} "
             "batches: go through dl exactly once per call", HINT)
    if steps == epochs and n_batches > epochs:
        fail(f"train_epoch called opt.step() once per epoch for {n_batches // epochs} batches: a step after the "
             "loop uses the gradients summed over the whole epoch; SGD takes one step per mini-batch, inside the "
             "loop", HINT)
    if steps != taken:
        fail(f"train_epoch called opt.step() {steps} times for {taken} batches; take exactly one step per batch",
             HINT)


def check_steps(probe, batches):
    """Every step used exactly its own batch's gradient; fail naming the mistake otherwise."""
    previous = None
    for j, (step, (xb, yb)) in enumerate(zip(probe["steps"], batches)):
        (w, b), grads = step["params"], step["grads"]
        if any(g is None for g in grads):
            fail(f"at step {j + 1} a parameter had no gradient yet: call loss.backward() before opt.step()", HINT)
        want = batch_grads(w, b, xb, yb)
        if all(close(g, e) for g, e in zip(grads, want)):
            previous = grads
            continue
        if all(g.abs().max().item() == 0 for g in grads):
            fail(f"at step {j + 1} the gradients were all zero when opt.step() ran: they were cleared between "
                 "backward() and step(); clear them after the step (or before the next backward)", HINT)
        if previous is not None and all(close(g, e + p) for g, e, p in zip(grads, want, previous)):
            fail(f"at step {j + 1} the gradient was this batch's plus the previous batches': backward() adds to "
                 ".grad, so without opt.zero_grad() after every step the gradients pile up", HINT)
        fail(f"at step {j + 1} the gradient was not that of loss_func(model(xb), yb) on batch {j + 1}: each step "
             "must use the gradient of the batch just taken from dl", HINT)


def check_loss_falls(probe, data):
    x, y, w0, b0 = data
    w, b = probe["final"]
    before, after = mnist_loss(x @ w0.T + b0, y).item(), mnist_loss(x @ w.T + b, y).item()
    if not after < before:
        fail("after training, the loss on the training data did not go down", HINT)


@points(1)
def test_one_step_per_batch(submission):
    """train_epoch takes one optimiser step for every batch of dl"""
    for k, n, bs, seed in [(10, 96, 16, 1), (5, 50, 8, 2)]:
        probe, batches, _ = run(submission, k, n, bs, seed)
        check_counts(probe, batches)


@points(1)
def test_each_step_uses_its_own_batchs_gradient(submission):
    """every step uses the gradient of its own batch alone (the gradients are cleared each time)"""
    for k, n, bs, seed in [(10, 96, 16, 3), (6, 45, 10, 4)]:
        probe, batches, _ = run(submission, k, n, bs, seed)
        check_counts(probe, batches)
        check_steps(probe, batches)


@points(1)
def test_loss_falls_over_epochs(submission):
    """called once per epoch for three epochs, train_epoch makes the loss fall, with every step right"""
    probe, batches, data = run(submission, 8, 80, 16, 5, lr=1.0, epochs=3)
    check_counts(probe, batches, epochs=3)
    check_steps(probe, batches)
    check_loss_falls(probe, data)
