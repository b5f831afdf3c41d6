"""Hidden suite for Q33: the student's train_model, driven through the public harness on a small regression problem
made here. The harness logs what the loop does (passes, batches, loss, backward, step, zero_grad) and copies the
parameters along the way; the loss of the trained model is computed here, from this process's own data."""
import torch

from grader.judge.api import fail, points

HINT = ("Q33: for each epoch, every batch once: predictions, the loss, its gradients, one optimiser step, then the "
        "gradients cleared for the next batch. See the chapter's sections 'Putting It All Together' and "
        "'Creating an Optimizer' (train_epoch, train_model).")
BS = 16


def problem(seed=33, n=100, k=5):
    """A linear regression with a little noise: 100 rows, so batches of 16 end with a batch of 4."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, k, generator=gen)
    y = x @ torch.randn(k, 1, generator=gen) + 0.5 + 0.05 * torch.randn(n, 1, generator=gen)
    return x, y


def run(submission, **params):
    x, y = problem()
    submission.put("q33/x", x)
    submission.put("q33/y", y)
    return x, y, submission.harness("run_loop", bs=BS, **params)


def mse(x, y, params) -> float:
    w, b = params
    return ((x.double() @ w.double() + b.double() - y.double()) ** 2).mean().item()


def times(n: int) -> str:
    return {0: "no times", 1: "once", 2: "twice"}.get(n, f"{n} times")


def batches_per_epoch(n=100):
    return (n + BS - 1) // BS


def check_order(events: str):
    """Every batch: loss, backward, then a step; gradients cleared between a step and the next backward."""
    core = "".join(c for c in events if c in "tlgsz")
    if "g" not in core:
        if "l" not in core:
            fail("train_model never computed the loss with loss_func", HINT)
        fail("train_model never called backward on the loss, so there are no gradients to step with", HINT)
    if "s" not in core:
        fail("train_model never called opt.step(), so the parameters never change", HINT)
    for batch in core.split("t")[1:]:
        if batch.count("l") != 1 or batch.count("g") != 1:
            fail("train_model should compute the loss and call backward exactly once per batch", HINT)
        if batch.count("s") != 1:
            fail(f"train_model called opt.step() {batch.count('s')} times for one batch; step once per batch, "
                 "right after backward", HINT)
        if batch.index("s") < batch.index("g"):
            fail("train_model called opt.step() before loss.backward(): the step then uses the previous batch's "
                 "gradients (or none); compute the gradients first, then step", HINT)
    if "z" not in core:
        fail("train_model never called opt.zero_grad(): backward adds to .grad, so every step would use the sum of "
             "all the gradients so far (Q31)", HINT)
    steps_and_backwards = "".join(c for c in core if c in "gsz")
    if "sg" in steps_and_backwards:
        fail("train_model called backward after a step without zero_grad in between: the gradients of the "
             "batches pile up (Q31); clear them once per batch", HINT)


@points(2)
def test_the_loss_falls(submission, record):
    """three epochs of train_model make the model's loss fall to a small fraction of where it began"""
    x, y, result = run(submission, epochs=3)
    start, end = mse(x, y, result["start"]), mse(x, y, result["end"])
    if torch.equal(result["start"][0], result["end"][0]) and torch.equal(result["start"][1], result["end"][1]):
        check_order(result["events"])
        fail("train_model did not change the model's parameters; step the optimiser after backward, on the model "
             "you were given (don't copy it)", HINT)
    losses = [mse(x, y, s) for s in result["epoch_starts"]] + [end]
    record.curve("Your loop: the grader's loss at the start of each epoch and at the end",
                 {"mean squared error": losses}, x_label="epoch", y_label="loss")
    if not end == end or end > 0.1 * start:  # NaN, or not even a tenfold fall (the reference: over 300-fold)
        check_order(result["events"])
        fail(f"after 3 epochs the loss only went from {start:.3g} to {end:.3g}; a correct loop brings it close to "
             "0 on this problem", HINT)


@points(1)
def test_epochs_are_honoured(submission):
    """train_model makes exactly `epochs` passes over the data (0, 1 and 4 epochs)"""
    per_epoch = batches_per_epoch()
    for epochs in (1, 4, 0):
        _, _, result = run(submission, epochs=epochs)
        events = result["events"]
        passes, taken = events.count("e"), events.count("t")
        if passes != epochs:
            fail(f"train_model(model, {epochs}, ...) went over the data loader {times(passes)}; it should make "
                 "exactly `epochs` passes, one per epoch (for _ in range(epochs))", HINT)
        if taken != epochs * per_epoch:
            if taken == epochs:
                fail("train_model used only one batch per epoch (next(iter(dl))?); an epoch goes through every "
                     "batch of dl", HINT)
            fail(f"train_model took {taken} batches in {epochs} epochs of {per_epoch} batches; an epoch goes "
                 "through every batch of dl, the smaller last one included", HINT)
        if epochs == 0 and (not torch.equal(result["start"][0], result["end"][0])
                            or not torch.equal(result["start"][1], result["end"][1])):
            fail("train_model(model, 0, ...) changed the parameters; with 0 epochs nothing should happen", HINT)


@points(1)
def test_one_step_per_batch_with_gradients_cleared(submission):
    """every batch: loss, backward, one step; gradients cleared before the next backward"""
    _, _, result = run(submission, epochs=2)
    check_order(result["events"])
    steps = result["events"].count("s")
    if steps != 2 * batches_per_epoch():
        fail(f"train_model(model, 2, ...) took {steps} optimiser steps, where 2 epochs of {batches_per_epoch()} "
             "batches need one step per batch in every epoch", HINT)


@points(1)
def test_a_plain_function_model(submission):
    """train_model also trains a plain-function model like the chapter's linear1"""
    x, y, result = run(submission, epochs=3, model_kind="function")
    check_order(result["events"])
    start, end = mse(x, y, result["start"]), mse(x, y, result["end"])
    if not end == end or end > 0.1 * start:
        fail(f"with a plain-function model the loss only went from {start:.3g} to {end:.3g} in 3 epochs; the loop "
             "must not depend on the model being an nn.Module (opt holds the parameters)", HINT)
