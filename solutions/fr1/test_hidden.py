"""Hidden suite for FR1: the student's BasicOptim and Learner, probed through the public harness, then trained.

Integrity: the sandbox gets the MNIST sample's training images and labels (split here into a training part and a
stand-in validation part of ``N_VALID`` images) and the held-out images of the sample's valid set *without* their
labels. The held-out labels stay in this process; accuracy is computed here from the model's raw outputs.

The calibrated accuracy cases run on the CPU (``device="cpu"``) so every machine grades alike; the GPU case runs the
linear model on the grader's device and is skipped without CUDA. See solutions/fr1/CALIBRATION.md.
"""
import math

import numpy as np
import pytest
import torch

from grader.judge.api import fail, points, property_case

SEED = 0
N_VALID = 500  # training images held aside as dls.valid (see CALIBRATION.md)
LINEAR = {"model": "linear", "epochs": 20, "lr": 1.0, "threshold": 0.97}
NET = {"model": "net", "epochs": 40, "lr": 0.1, "threshold": 0.98}
PLAIN = {"model": "plain", "epochs": 5, "lr": 1.0, "threshold": 0.95}
TRAIN_TIMEOUT = 300
HISTORY_KEYS = ("epoch", "train_loss", "valid_loss", "batch_accuracy")

HINT_STEP = ("Q23: the update is p -= p.grad * lr, done in place and without tracking gradients (inside "
             "torch.no_grad(), or on p.data); see the chapter's section 'Creating an Optimizer'.")
HINT_ZERO = ("Q31: backward() adds to .grad, so zero_grad must clear it (p.grad = None or p.grad.zero_()); see "
             "'Creating an Optimizer'.")
HINT_LOOP = ("Q25/Q33: each epoch, for every batch of dls.train: predict, loss, backward, step the optimiser, "
             "clear the gradients; then measure loss and metrics on dls.valid without stepping. See 'Putting It All "
             "Together'.")
HINT_LR = ("Q32: fit(n_epochs, lr) builds the optimiser with opt_func(params, lr), using the lr it was given; "
           "see 'Creating an Optimizer' and the fastai Learner the chapter ends with.")
HINT_HISTORY = ("FR1: fit appends one dict per epoch to learn.history, with the keys epoch, train_loss, valid_loss "
                "and one per metric (the metric function's __name__), each a number.")
HINT_PLAIN = ("FR1: a plain-function model (like the chapter's linear1) carries its tensors in a `params` "
              "attribute; use model.parameters() for an nn.Module and model.params otherwise.")
HINT_ACC = ("Check the loop against Q25/Q33: one step per training batch, gradients zeroed after every step, "
            "parameters moved against the gradient by lr; see 'Putting It All Together' and 'Adding a "
            "Nonlinearity'.")


# ------------------------------------------------------------------------------------------------ data

def sample_split(sample, seed=SEED, n_valid=N_VALID):
    """What the sandbox gets (``put``) and the labels that stay here (``secret``).

    Labels follow the chapter: 1 for a 3, 0 for a 7. The stand-in validation set is a seeded random choice of
    training images (the sample lists all threes before all sevens, so a plain tail would be all sevens).
    """
    x, y = sample["x_train"], (sample["y_train"] == 3).astype(np.uint8)
    order = np.random.RandomState(seed).permutation(len(x))
    train, valid = np.sort(order[:-n_valid]), np.sort(order[-n_valid:])
    put = {"fr1/train_x": x[train], "fr1/train_y": y[train], "fr1/valid_x": x[valid], "fr1/valid_y": y[valid],
           "fr1/holdout_x": sample["x_valid"]}
    secret = {"valid_y": torch.from_numpy(y[valid].astype(np.int64)),
              "holdout_y": torch.from_numpy((sample["y_valid"] == 3).astype(np.int64))}
    return put, secret


@pytest.fixture(scope="module")
def runs():
    """Harness results of this grading pass, so several cases can share one training run."""
    return {}


class Lab:
    """Puts the data into the sandbox once and runs harness functions, each at most once per grading pass."""

    def __init__(self, submission, sample, runs):
        self.submission, self.runs = submission, runs
        if "secret" not in runs:
            put, secret = sample_split(sample)
            for key, value in put.items():
                submission.put(key, value)
            runs["secret"], runs["put"] = secret, put
        self.secret, self.put = runs["secret"], runs["put"]

    def run(self, function, timeout=None, **params):
        key = function + repr(sorted(params.items()))
        if key not in self.runs:
            try:
                self.runs[key] = (True, self.submission.harness(function, timeout=timeout, **params))
            except Exception as exc:  # noqa: BLE001 - re-raised for every case that shares this run
                self.runs[key] = (False, exc)
        ok, value = self.runs[key]
        if not ok:
            raise value
        return value

    def train(self, spec, on="cpu"):
        params = {k: v for k, v in spec.items() if k != "threshold"}
        return self.run("train_and_predict", timeout=TRAIN_TIMEOUT, seed=SEED, device=on, **params)


@pytest.fixture
def lab(submission, mnist_sample, runs):
    return Lab(submission, mnist_sample, runs)


# ------------------------------------------------------------------------------------------------ helpers

def close(a, b, atol=1e-6, rtol=1e-4) -> bool:
    return isinstance(a, torch.Tensor) and a.shape == b.shape and bool(
        torch.allclose(a.double(), b.double(), atol=atol, rtol=rtol))


def rows_of(history, what: str):
    """The student's history rows, or a failure that says what is wrong with learn.history."""
    if history.get("problem") == "missing":
        fail(f"after {what}, the Learner has no `history` attribute: record one row per epoch in "
             "learn.history", HINT_HISTORY)
    if "problem" in history:
        fail(f"learn.history is {history['problem']}; it should be a list with one dict per epoch", HINT_HISTORY)
    return history["rows"]


def numeric_series(rows, key):
    values = [row.get(key) if isinstance(row, dict) else None for row in rows]
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        return [float(v) for v in values]
    return None


def loss_of(outputs, labels) -> float:
    """The chapter's mnist_loss, computed here."""
    p = outputs.double().view(-1).sigmoid()
    return torch.where(labels == 1, 1 - p, p).mean().item()


def accuracy_of(outputs, labels) -> float:
    return ((outputs.view(-1) > 0).long() == labels).double().mean().item()


def check_outputs(result, labels, what):
    out = result.get("holdout_outputs")
    if not isinstance(out, torch.Tensor) or out.numel() != len(labels):
        fail(f"{what}: the model's outputs on the held-out images could not be read", HINT_ACC)
    if not torch.isfinite(out).all():
        fail(f"{what}: the model's outputs are NaN or infinite, so training diverged (a step in the wrong "
             "direction, or gradients that pile up because they are never cleared)", HINT_ACC)
    if not result.get("moved"):
        fail(f"{what}: fit did not change the parameters of the model it was given; train that model in place "
             "(don't copy it) and step its parameters", HINT_LOOP)
    return accuracy_of(out, labels)


def record_run(record, result, title, accuracy, threshold, label):
    record.metric(f"{label} held-out accuracy", round(accuracy, 4))
    record.metric(f"{label} threshold", threshold)
    record.metric(f"{label} training seconds", round(float(result.get("seconds", 0.0)), 2))
    rows = result["history"].get("rows") or []
    series = {k: numeric_series(rows, k) for k in ("train_loss", "valid_loss", "batch_accuracy")}
    series = {k: v for k, v in series.items() if v}
    if series:
        record.curve(title, series, "epoch", "loss / accuracy")


def lr_ignored(lab) -> bool:
    """Whether fit steps with some learning rate of its own (the learning-rate case says how): then no run of it
    is a run "at lr x", whatever accuracy it reaches."""
    try:
        d0, d_half, d1 = lab.run("lr_probe", seed=SEED, device="cpu")["deltas"]
    except Exception:  # noqa: BLE001 - a probe that cannot run is that case's failure, not this one's
        return False
    return bool(d0.abs().max().item() != 0 or (d1.abs().max().item() != 0 and close(d1, d_half, 1e-7, 1e-4)))


def not_at_that_lr(lab, what: str) -> None:
    """Ignoring the learning rate is a core misunderstanding of the chapter's SGD: a run that reached its
    accuracy at another rate does not show the Learner trains at the one asked for."""
    if lr_ignored(lab):
        fail(f"{what}: your Learner ignores the lr given to fit (see the learning-rate case), so this run did "
             "not train at that rate and cannot count, whatever accuracy it reached", HINT_LR)


def accuracy_case(lab, record, spec, label, title, on="cpu"):
    result = lab.train(spec, on=on)
    what = f"the {label} trained with your Learner for {spec['epochs']} epochs at lr {spec['lr']:g}"
    acc = check_outputs(result, lab.secret["holdout_y"], what)
    record_run(record, result, title, acc, spec["threshold"], label)
    not_at_that_lr(lab, what)
    if acc < spec["threshold"]:
        rows = result["history"].get("rows") or []
        losses = numeric_series(rows, "train_loss")
        why = ""
        if losses and len(losses) > 1 and losses[-1] >= losses[0]:
            why = "; the training loss did not fall from the first epoch to the last"
        fail(f"{what} gets {acc:.4f} accuracy on held-out images, below the {spec['threshold']:.2f} this case "
             f"needs{why}", HINT_ACC)
    return result


# ------------------------------------------------------------------------------------------------ optimiser

def _unseen_params():
    gen = torch.Generator().manual_seed(7)
    params = [torch.randn(4, 3, generator=gen), torch.randn(3, generator=gen)]
    grads = [torch.randn(4, 3, generator=gen), torch.randn(3, generator=gen)]
    return params, grads


@points(1)
def test_step_moves_against_the_gradient(lab):
    """BasicOptim.step moves every parameter by -lr × its gradient, also when given model.parameters()"""
    params, grads = _unseen_params()
    lr = 0.3
    after = lab.run("optim_step", params=params, grads=grads, lr=lr)["after_steps"][0]
    if not isinstance(after, list) or len(after) != len(params):
        fail("BasicOptim.step could not be checked on two parameter tensors", HINT_STEP)
    if all(close(a, p, atol=0, rtol=0) for a, p in zip(after, params)):
        fail("BasicOptim.step left the parameters unchanged: update them in place (p -= p.grad * lr inside "
             "torch.no_grad(), or p.data -= ...); writing p = p - ... only rebinds a local name", HINT_STEP)
    if all(close(a, p + lr * g) for a, p, g in zip(after, params, grads)):
        fail("BasicOptim.step added lr × gradient to the parameters: that is gradient ascent, which makes the "
             "loss larger; subtract it", HINT_STEP)
    if all(close(a, p - g) for a, p, g in zip(after, params, grads)):
        fail("BasicOptim.step subtracted the whole gradient: its lr is ignored; multiply the gradient by "
             "self.lr", HINT_STEP)
    if any(close(a, p, atol=0, rtol=0) for a, p in zip(after, params)):
        fail("BasicOptim.step updated only some of the parameters; step every tensor in params", HINT_STEP)
    if not all(close(a, p - lr * g) for a, p, g in zip(after, params, grads)):
        fail("BasicOptim.step did not move the parameters by -lr × their gradients", HINT_STEP)
    twice = lab.run("optim_step", params=params, grads=grads, lr=lr, as_generator=True, steps=2)["after_steps"]
    if not all(close(a, p - 2 * lr * g) for a, p, g in zip(twice[1], params, grads)):
        if all(close(a, b, atol=0, rtol=0) for a, b in zip(twice[1], twice[0])):
            fail("given a generator of parameters (as model.parameters() is), BasicOptim stepped once and then "
                 "never again: a generator is used up after one pass, so keep list(params) in __init__",
                 HINT_STEP)
        fail("given a generator of parameters (as model.parameters() is), two steps did not move the "
             "parameters by -2 × lr × gradient; keep list(params) in __init__", HINT_STEP)


@points(1)
def test_zero_grad_clears_the_gradients(lab):
    """BasicOptim.zero_grad clears the gradient of every parameter"""
    params, grads = _unseen_params()
    cleared = lab.run("optim_step", params=params, grads=grads, lr=0.3)["grads_after_zero_grad"]
    for g in cleared:
        if g is None:
            continue
        if not isinstance(g, torch.Tensor) or g.abs().max().item() != 0:
            fail("BasicOptim.zero_grad left the gradients in place: backward() adds to .grad, so the "
                 "gradients accumulate from batch to batch; set p.grad = None (or p.grad.zero_()) for every "
                 "parameter", HINT_ZERO)


# ------------------------------------------------------------------------------------------------ Learner.fit

def own_gradient(lab, seed=SEED):
    """The gradient lr_probe's steps must follow, computed here from the same batch, start and loss with the
    harness's own code (this process's copy): the sandbox's report of it is not taken on trust, so a Learner
    that does nothing cannot pass by reporting steps that match a gradient it reported too."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fr1_harness_here", lab.submission.exercise.harness)
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    with torch.random.fork_rng(devices=[]):  # build_model seeds torch: leave this process's generator alone
        data = harness._data(lab.put, "cpu")
        x, y = data["train_x"][:harness.BATCH_SIZE], data["train_y"][:harness.BATCH_SIZE]
        model = harness.build_model("linear", seed, "cpu")
        grads = torch.autograd.grad(harness.mnist_loss(model(x), y), list(model.parameters()))
    return harness._flat(grads)


@points(2)
def test_fit_uses_its_learning_rate(lab):
    """Learner.fit(n_epochs, lr) steps with the lr it is given"""
    probe = lab.run("lr_probe", seed=SEED, device="cpu")
    g = own_gradient(lab)
    d0, d_half, d1 = probe["deltas"]
    if d0.abs().max().item() != 0:
        fail("with fit(1, lr=0) the parameters still moved, so the lr is ignored (a hard-coded learning rate "
             "or one taken from __init__?): pass the lr given to fit on to opt_func(params, lr)", HINT_LR)
    if d1.abs().max().item() == 0:
        fail("fit(1, lr=1.0) on one batch did not change the parameters; fit must step the optimiser after "
             "each training batch", HINT_LOOP)
    if close(d1, d_half, atol=1e-7, rtol=1e-4):
        fail("fit(1, 0.5) and fit(1, 1.0) moved the parameters by the same amount, so the lr is ignored: pass "
             "the lr given to fit on to opt_func(params, lr)", HINT_LR)
    if close(d1, g, atol=1e-6, rtol=1e-3):
        fail("fit moved the parameters up the gradient (gradient ascent), so the loss grows; the step must "
             "subtract lr × gradient", HINT_STEP)
    if close(d1, -g, atol=1e-6, rtol=1e-3) and close(d_half, -0.5 * g, atol=1e-6, rtol=1e-3):
        return
    if close(d1, 2 * d_half, atol=1e-6, rtol=1e-3):
        fail("fit's step is proportional to lr but is not -lr × the gradient of the training batch: train on "
             "dls.train and clear gradients before the next backward()", HINT_LOOP)
    fail("with one training batch, fit(1, lr) should move the parameters by exactly -lr × the batch's "
         "gradient, but it did not", HINT_LR)


def _loop(lab):
    return lab.run("loop_probe", seed=SEED, device="cpu")


@points(1)
def test_training_loop_steps_and_zeroes_on_training_batches(lab):
    """fit steps once per training batch, zeroes the gradients each time, and only measures on dls.valid"""
    probe = _loop(lab)
    events, epochs = probe["events"], probe["epochs"]
    t, v, s, z = (events.count(c) for c in "tvsz")
    if t == 0:
        fail("fit never took a batch from dls.train" + (" (it only iterated dls.valid)" if v else "") +
             ": train on dls.train and keep dls.valid for measuring loss and metrics", HINT_LOOP)
    if v == 0:
        fail("fit never iterated dls.valid: valid_loss and the metrics must be measured on the validation set "
             "after each epoch", HINT_LOOP)
    if t != epochs * probe["train_len"]:
        fail(f"fit({epochs}, lr) took {t} batches from dls.train, a loader of {probe['train_len']} batches: it "
             f"should go through all of dls.train once in each of the {epochs} epochs", HINT_LOOP)
    if v != epochs * probe["valid_len"]:
        fail(f"fit({epochs}, lr) took {v} batches from dls.valid, a loader of {probe['valid_len']} batches: it "
             f"should measure on all of dls.valid after each of the {epochs} epochs"
             + (", not only once" if v == probe["valid_len"] else ""), HINT_LOOP)
    if s == t + v:
        fail("fit also stepped the optimiser on validation batches: the validation set is only for measuring",
             HINT_LOOP)
    if s != t:
        fail(f"fit should call opt.step() once per training batch; it called it {s} times for {t} batches",
             HINT_LOOP)
    if z == 0:
        fail("fit never called opt.zero_grad(): backward() adds to .grad, so gradients accumulate from batch "
             "to batch", HINT_ZERO)
    steps_only = "".join(c for c in events if c in "sz")
    if "ss" in steps_only:
        fail("fit called opt.step() twice in a row without opt.zero_grad() in between: gradients from the "
             "previous batch are added to the next one; zero them after every step", HINT_ZERO)
    if not probe["moved"]:
        fail("fit did not change the parameters of the model it was given; train that model in place",
             HINT_LOOP)


@property_case
@points(1)
def test_history_has_one_row_per_epoch(lab):
    """learn.history holds one row per epoch with epoch, train_loss, valid_loss and the metric"""
    probe = _loop(lab)
    epochs = probe["epochs"]
    rows = rows_of(probe["history"], f"fit({epochs}, lr)")
    if len(rows) != epochs:
        fail(f"after fit({epochs}, lr) learn.history has {len(rows)} row(s): record one row per epoch "
             "(append inside the epoch loop, not once after it)", HINT_HISTORY)
    for row in rows:
        if not isinstance(row, dict):
            fail(f"a row of learn.history is {row}; make each row a dict such as {{'epoch': 0, 'train_loss': "
                 "..., 'valid_loss': ..., 'batch_accuracy': ...}}", HINT_HISTORY)
        absent = [k for k in HISTORY_KEYS if k not in row]
        if absent:
            fail(f"a row of learn.history lacks {', '.join(absent)} (it has {', '.join(sorted(row)) or 'nothing'})"
                 "; the metric's key is its function's __name__", HINT_HISTORY)
    for key in HISTORY_KEYS[1:]:
        if numeric_series(rows, key) is None:
            fail(f"the {key} values in learn.history are not all finite numbers (use loss.item() or float(...))",
                 HINT_HISTORY)


@points(1)
def test_plain_function_model(lab):
    """fit trains the chapter's plain-function model (parameters in model.params)"""
    spec = PLAIN
    result = lab.train(spec)
    if "attribute_error" in result:
        fail("with a plain-function model your Learner raised AttributeError "
             f"({result['attribute_error']}): a function has no .parameters(); take its tensors from "
             "model.params", HINT_PLAIN)
    what = f"the plain-function linear model trained for {spec['epochs']} epochs at lr {spec['lr']:g}"
    acc = check_outputs(result, lab.secret["holdout_y"], what)
    not_at_that_lr(lab, what)
    rows = rows_of(result["history"], f"fit({spec['epochs']}, lr)")
    if len(rows) != spec["epochs"]:
        fail(f"with a plain-function model, learn.history has {len(rows)} row(s) after {spec['epochs']} epochs",
             HINT_HISTORY)
    if acc < spec["threshold"]:
        fail(f"{what} gets {acc:.4f} accuracy on held-out images, below {spec['threshold']:.2f}", HINT_PLAIN)


# ------------------------------------------------------------------------------------------------ accuracy

@points(2)
def test_linear_model_accuracy(lab, record):
    """nn.Linear(784, 1), 20 epochs at lr 1.0: at least 0.97 accuracy on held-out images"""
    accuracy_case(lab, record, LINEAR, "linear model", "Linear model: your Learner's history (20 epochs, lr 1.0)")


@points(2)
def test_neural_net_accuracy(lab, record):
    """Linear(784, 30)-ReLU-Linear(30, 1), 40 epochs at lr 0.1: at least 0.98 accuracy on held-out images"""
    accuracy_case(lab, record, NET, "784-30-1 net", "784-30-1 net: your Learner's history (40 epochs, lr 0.1)")


@property_case
@points(0.5)
def test_history_records_the_real_losses(lab):
    """learn.history's valid_loss and batch_accuracy match the trained model, and train_loss falls"""
    result = lab.train(LINEAR)
    rows = rows_of(result["history"], "fit(20, 1.0)")
    if not rows or not isinstance(rows[-1], dict):
        fail("learn.history has no rows to check after fit(20, 1.0)", HINT_HISTORY)
    labels = lab.secret["valid_y"]
    outputs = result["valid_outputs"]
    last = rows[-1]
    valid_loss, metric = last.get("valid_loss"), last.get("batch_accuracy")
    if not isinstance(valid_loss, (int, float)) or not isinstance(metric, (int, float)):
        fail("the last row of learn.history has no numeric valid_loss and batch_accuracy", HINT_HISTORY)
    want_loss, want_acc = loss_of(outputs, labels), accuracy_of(outputs, labels)
    if abs(valid_loss - want_loss) > 0.003 + 0.1 * want_loss:
        fail("the last valid_loss in learn.history is not the loss of the trained model on dls.valid: compute "
             "it on the validation batches after the epoch's training (and average over the batches)",
             HINT_HISTORY)
    if abs(metric - want_acc) > 0.01:
        fail("the last batch_accuracy in learn.history is not the metric of the trained model on dls.valid: "
             "call each metric on the validation predictions and average over the batches", HINT_HISTORY)
    losses = numeric_series(rows, "train_loss")
    if losses is None or len(losses) < 2 or not losses[-1] < losses[0]:
        fail("train_loss in learn.history did not fall over 20 epochs: record the mean of the training "
             "batches' losses for each epoch", HINT_HISTORY)


@property_case
@pytest.mark.gpu
@points(1)
def test_linear_model_on_the_gpu(lab, record, device):
    """On the GPU: nn.Linear(784, 1), data and model on CUDA, 20 epochs at lr 1.0, at least 0.97"""
    result = accuracy_case(lab, record, LINEAR, "linear model (GPU)",
                           "Linear model on the GPU: your Learner's history", on=device)
    if not str(result.get("device", "")).startswith("cuda"):
        fail(f"the model ended up on {result.get('device')} instead of the GPU: keep the model where it is "
             "(don't move it to the CPU inside Learner)", HINT_LOOP)
