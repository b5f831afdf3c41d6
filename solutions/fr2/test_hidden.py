"""Hidden suite for FR2: softmax and cross-entropy on unseen inputs, then full MNIST in tiers.

Integrity: the sandbox gets the 60,000 training images with their labels and the 10,000 test images without
theirs; the test labels stay in this process and accuracy is computed here from the returned predictions. The
model is trained once per grading pass (on the CPU, so every machine grades alike) and shared by the tier cases.
See solutions/fr2/CALIBRATION.md for the reference's margins.
"""
import ast

import pytest
import torch
import torch.nn.functional as F

from grader.judge.api import code_of, fail, library_names, points, property_case, type_name, walk_code
from grader.judge.backend import StudentTimeout

SEED = 0
TRAIN_TIMEOUT = 300
TIERS = (0.60, 0.90, 0.95)
RECOGNISED = 0.25  # a digit counts as told apart when this share of its test images is labelled right (chance: 0.1)

HINT_SOFTMAX = ("FR2 (softmax, the many-class sigmoid of Q21): exp(x - row max) / row sum, along dim=1 with "
                "keepdim=True so the division broadcasts; subtracting the max changes nothing but keeps exp finite.")
HINT_CE = ("FR2: cross-entropy is the batch mean of -log(softmax(preds))[i, targets[i]]; compute the log of the "
           "softmax as (x - max) - log(sum(exp(x - max))) so large scores stay finite.")
HINT_PREDICT = "FR2: predict_digits returns model(x).argmax(dim=1), an int64 tensor of shape (N,)."
HINT_TRAP = ("FR2: the chapter's mnist_loss (sigmoid + torch.where) assumes one output and two classes; ten digits "
             "need ten outputs, softmax over them and cross-entropy on the index of the right digit. See 'The MNIST "
             "Loss Function' and 'Sigmoid' (Q16, Q21), then this exercise's prompt.")
HINT_TIERS = ("FR2: pixel similarity with ten class means reaches the first tier, a linear model trained with "
              "softmax + cross-entropy the second, a net with one hidden layer (e.g. 784-128-10, a few epochs of "
              "SGD) the third. Check the learning rate and that gradients are zeroed after every step (Q31).")
TRAP_WHY = ("this is what happens when the chapter's two-class mnist_loss is reused for ten digits: mnist_loss "
            "assumes one output and two classes (it only asks 'is the target 1?'), so it cannot tell ten digits "
            "apart; give the model ten outputs and train it with softmax + cross-entropy over them")
LIBRARY_CALLS = {"softmax", "log_softmax", "cross_entropy", "nll_loss", "CrossEntropyLoss", "NLLLoss", "Softmax",
                 "LogSoftmax"}


# ------------------------------------------------------------------------------------------------ static views

def names_used(submission, name):
    """Identifiers (names and attributes) used by the code of *name*: its helpers, aliases and instances too."""
    return {n.attr if isinstance(n, ast.Attribute) else n.id for n in walk_code(code_of(submission, name))
            if isinstance(n, (ast.Attribute, ast.Name))}


def library_calls(submission, name):
    """torch's own softmax / cross-entropy used by *name* or its helpers (F.softmax, x.softmax, nn.CrossEntropyLoss,
    an alias or an instance of one), never a method of the student's own class that shares the name."""
    return library_names(submission, name, LIBRARY_CALLS)


def computes_cross_entropy(submission, name) -> bool:
    """Whether the student's function *name* gives F.cross_entropy's value on one small batch: a function called
    mnist_loss that does is a cross-entropy, whatever its name says."""
    preds, targets, _ = cross_entropy_inputs()[0]
    try:
        got = submission.call(name, preds.clone(), targets.clone())
    except Exception:  # noqa: BLE001 - any failure to behave like cross-entropy answers the question
        return False
    return (isinstance(got, torch.Tensor) and got.numel() == 1 and
            torch.allclose(got.detach().double().reshape(()), F.cross_entropy(preds.double(), targets),
                           atol=1e-5, rtol=1e-4))


def looks_binary(submission, name) -> bool:
    """The chapter's two-class loss at work in *name*: sigmoid with torch.where, or a function called mnist_loss
    that is not a cross-entropy in disguise (judged by what it computes, not by its name)."""
    used = names_used(submission, name)
    if "sigmoid" in used and "where" in used:
        return True
    return "mnist_loss" in used and not computes_cross_entropy(submission, "mnist_loss")


# ------------------------------------------------------------------------------------------------ softmax

def softmax_inputs():
    gen = torch.Generator().manual_seed(11)
    ordinary = [torch.randn(5, 10, generator=gen) * 2, torch.randn(1, 3, generator=gen),
                torch.randn(64, 10, generator=gen) * 4, torch.randn(7, 2, generator=gen),
                torch.randn(3, 17, generator=gen).double()]
    big = torch.randn(6, 10, generator=gen) * 1000
    big[0] = 1000.0  # a row of equal large logits
    big[1, 3] = 5000.0
    large = [big, torch.tensor([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -999.0]])]
    return ordinary, large


@points(1.5)
def test_softmax_on_unseen_inputs(submission):
    """softmax matches torch.softmax row by row on unseen shapes, also for large logits (no NaN)"""
    used = library_calls(submission, "softmax")
    if used:
        fail(f"softmax uses torch's own {', '.join(sorted(used))}: write it yourself from exp and sum", HINT_SOFTMAX)
    ordinary, large = softmax_inputs()
    for x in ordinary + large:
        is_large = any(x is t for t in large)
        got = submission.call("softmax", x.clone())
        if not isinstance(got, torch.Tensor):
            fail(f"softmax returned {type_name(got)}; it should return a tensor", HINT_SOFTMAX)
        if tuple(got.shape) != tuple(x.shape):
            fail(f"softmax turned a tensor of shape {tuple(x.shape)} into one of shape {tuple(got.shape)}; it "
                 "should keep the shape (one probability per score)", HINT_SOFTMAX)
        got64, want = got.detach().double(), torch.softmax(x.double(), dim=1)
        if not torch.isfinite(got64).all():
            if is_large:
                fail("softmax returned NaN or inf for large logits (such as 1000): exp overflows; subtract each "
                     "row's maximum before taking exp, which leaves the result unchanged", HINT_SOFTMAX)
            fail("softmax returned NaN or inf on ordinary scores", HINT_SOFTMAX)
        if torch.allclose(got64, want, atol=1e-6, rtol=1e-4):
            continue
        if torch.allclose(got64, torch.sigmoid(x.double()), atol=1e-6, rtol=1e-4):
            fail("softmax returned the sigmoid of each score; softmax makes each row add up to 1", HINT_SOFTMAX)
        if x.shape[0] > 1 and torch.allclose(got64, torch.softmax(x.double(), dim=0), atol=1e-6, rtol=1e-4):
            fail("softmax normalised each column instead of each row: sum over dim=1 (or -1), with keepdim=True",
                 HINT_SOFTMAX)
        if not torch.allclose(got64.sum(dim=1), torch.ones(x.shape[0], dtype=torch.float64), atol=1e-5):
            fail("the rows of softmax's result do not add up to 1: divide exp(x) by its row sum", HINT_SOFTMAX)
        fail("softmax gave wrong probabilities on an unseen input" +
             (" with large logits" if is_large else ""), HINT_SOFTMAX)


# ------------------------------------------------------------------------------------------------ cross-entropy

def cross_entropy_inputs():
    gen = torch.Generator().manual_seed(12)
    cases = []
    for n, c, scale in ((8, 10, 3.0), (32, 10, 1.0), (5, 3, 2.0), (1, 10, 5.0), (10, 10, 2.0)):
        cases.append((torch.randn(n, c, generator=gen) * scale, torch.randint(0, c, (n,), generator=gen), False))
    big = torch.randn(16, 10, generator=gen) * 1000
    cases.append((big, torch.randint(0, 10, (16,), generator=gen), True))
    return cases


def diagnose_cross_entropy(got, preds, targets):
    """Name the misunderstanding behind a wrong cross-entropy value, or None."""
    p = preds.double()
    logp = torch.log_softmax(p, dim=1)
    picked = logp[torch.arange(len(targets)), targets]
    probs = picked.exp()

    def near(value):
        return torch.allclose(got, torch.as_tensor(value, dtype=torch.float64), atol=1e-5, rtol=1e-4)

    if near(-picked.sum()) and len(targets) > 1:
        return "cross_entropy returned the sum over the batch; take the mean instead"
    if near(-probs.mean()) or near(1 - probs.mean()) or near(probs.mean()):
        return ("cross_entropy looks like the mean of the softmax probabilities without the log: cross-entropy "
                "takes -log of each row's probability of its target")
    if near(picked.mean()):
        return "cross_entropy has the wrong sign: it is the mean of -log(probability of the target)"
    if near(-p[torch.arange(len(targets)), targets].mean()):
        return "cross_entropy skipped the softmax: take -log of the softmax probabilities, not of the raw scores"
    return None


@points(1.5)
def test_cross_entropy_on_unseen_inputs(submission):
    """cross_entropy matches F.cross_entropy on unseen batches, also for large logits"""
    used = library_calls(submission, "cross_entropy")
    if used:
        fail(f"cross_entropy uses torch's own {', '.join(sorted(used))}: write it yourself from exp, log, sum "
             "and indexing", HINT_CE)
    binary = looks_binary(submission, "cross_entropy")
    for preds, targets, is_large in cross_entropy_inputs():
        got = submission.call("cross_entropy", preds.clone(), targets.clone())
        if not isinstance(got, torch.Tensor):
            if isinstance(got, float):
                fail("cross_entropy returned a Python float; return the tensor (no .item()) so that backward() "
                     "can follow it", HINT_CE)
            fail(f"cross_entropy returned {type_name(got)}; it should return a tensor holding one number",
                 HINT_CE)
        if got.numel() == len(targets) and len(targets) > 1:
            fail("cross_entropy returned one loss per row; take the mean over the batch", HINT_CE)
        if got.numel() != 1:
            fail(f"cross_entropy returned a tensor of shape {tuple(got.shape)}; it should hold one number, the "
                 "mean over the batch", HINT_CE)
        got64 = got.detach().double().reshape(())
        want = F.cross_entropy(preds.double(), targets)
        if not torch.isfinite(got64):
            if is_large:
                fail("cross_entropy returned NaN or inf for large logits (such as 1000): exp overflows; compute "
                     "log-softmax as (x - max) - log(sum(exp(x - max)))", HINT_CE)
            fail("cross_entropy returned NaN or inf on ordinary scores", HINT_CE)
        if torch.allclose(got64, want, atol=1e-5, rtol=1e-4):
            continue
        if binary:
            fail("cross_entropy does not match F.cross_entropy and looks like the chapter's two-class "
                 "mnist_loss (sigmoid + torch.where): that loss assumes one output and two classes; cross-entropy "
                 "compares all C scores of a row through softmax", HINT_TRAP)
        why = diagnose_cross_entropy(got64, preds, targets)
        if why:
            fail(why, HINT_CE)
        fail("cross_entropy gave a wrong value on an unseen batch" + (" with large logits" if is_large else ""),
             HINT_CE)


# ------------------------------------------------------------------------------------------------ full MNIST

@pytest.fixture(scope="module")
def runs():
    """The one training run of this grading pass, shared by the cases below (or the exception it raised)."""
    return {}


def full_mnist(request):
    from grader.data import DataError

    try:
        return request.getfixturevalue("mnist_full")
    except DataError as exc:
        raise DataError("full MNIST is not on the grading machine, so FR2 cannot be graded here (not the "
                        f"student's fault): the instructor should run `grader data fetch mnist` ({exc})") from None


@pytest.fixture
def trained(submission, request, runs):
    """The student's predictions on the 10,000 test images, with the labels that never left this process."""
    if "result" not in runs:
        data = full_mnist(request)
        try:
            submission.put("fr2/train_x", data["x_train"])
            submission.put("fr2/train_y", data["y_train"])
            submission.put("fr2/test_x", data["x_test"])
            try:
                result = submission.harness("train_and_predict", timeout=TRAIN_TIMEOUT, seed=SEED, device="cpu")
            except StudentTimeout as exc:
                raise StudentTimeout(f"{exc}: FR2 gives fit_full_mnist and predict_digits {TRAIN_TIMEOUT} s "
                                     "together on one CPU thread (the prompt says so); train for fewer epochs, "
                                     "on larger batches, or use a smaller net") from None
            runs["result"] = (True, result)
        except Exception as exc:  # noqa: BLE001 - shared by every case that needs the run
            runs["result"] = (False, exc)
        runs["labels"] = torch.from_numpy(data["y_test"].astype("int64"))
        runs["images"] = data["x_test"]
    ok, value = runs["result"]
    if not ok:
        raise value
    return value, runs["labels"], runs["images"]


def read_predictions(preds, n):
    """(labels as an int64 tensor or None, problem or None).

    Labels in a slightly wrong container (a list, a numpy array, shape (N, 1), whole-number floats) are still
    scored, so the tiers give credit; only the format case fails for them. Probabilities, or anything that is not
    one digit per image, cannot be scored.
    """
    problem = None
    if isinstance(preds, list):
        if len(preds) == n and all(type(v) is int for v in preds):
            return torch.tensor(preds), ("predict_digits returned a Python list; return a tensor "
                                         "(model(x).argmax(dim=1))")
        return None, "predict_digits returned a Python list; it should return an integer tensor of shape (N,)"
    if type(preds).__name__ == "ndarray":
        problem = "predict_digits returned a numpy array; return a torch tensor"
        try:
            preds = torch.from_numpy(preds)
        except (TypeError, ValueError):
            return None, problem
    if not isinstance(preds, torch.Tensor):
        return None, f"predict_digits returned {type_name(preds)}; it should return an integer tensor of shape (N,)"
    shape = tuple(preds.shape)
    if preds.is_floating_point() and preds.dim() == 2 and shape[0] == n and shape[1] == 10:
        return None, ("predict_digits returned probabilities (or scores), one row of ten numbers per image; return "
                      "one label per image instead: the index of the largest, preds.argmax(dim=1)")
    if shape == (n, 1):
        preds = preds.reshape(n)
        problem = problem or "predict_digits returned shape (N, 1); return a flat tensor of shape (N,)"
    elif shape != (n,):
        return None, f"predict_digits returned a tensor of shape {shape} for {n} images; it should have shape (N,)"
    if preds.dtype == torch.bool:
        return None, "predict_digits returned booleans; return the predicted digit 0..9 for each image"
    if preds.is_floating_point():
        if not torch.isfinite(preds).all() or not torch.equal(preds, preds.round()):
            return None, ("predict_digits returned fractions (probabilities?); return the predicted digit, an "
                          "integer 0..9, for each image")
        problem = problem or "predict_digits returned floats; return integer labels (argmax gives int64)"
    labels = preds.long()
    if labels.numel() and (labels.min() < 0 or labels.max() > 9):
        return None, "predict_digits returned labels outside 0..9"
    return labels, problem


def scored(trained_run, record=None):
    """Accuracy on the test images, computed here; fails only when the predictions cannot be read as digits."""
    result, labels, images = trained_run
    preds = result.get("predictions") if isinstance(result, dict) else None
    preds, problem = read_predictions(preds, len(labels))
    if preds is None:
        fail(f"the predictions on the test images could not be scored: {problem}", HINT_PREDICT)
    acc = (preds == labels).double().mean().item()
    if record is not None:
        record_results(record, result, preds, labels, images, acc)
    return preds, acc, problem


def record_results(record, result, preds, labels, images, acc):
    record.metric("test accuracy (10,000 images)", round(acc, 4))
    record.metric("tier thresholds", " / ".join(f"{t:.2f}" for t in TIERS))
    record.metric("training seconds", round(float(result.get("train_seconds", 0.0)), 2))
    matrix = torch.zeros(10, 10, dtype=torch.long)
    matrix.index_put_((labels, preds), torch.ones_like(labels), accumulate=True)
    record.confusion(matrix.tolist(), list(range(10)), "Test digits: true (rows) vs predicted (columns)")
    wrong = torch.nonzero(preds != labels).view(-1)[:16].tolist()
    record.misclassified([{"pixels": [int(v) for v in images[i].reshape(-1)], "label": int(labels[i]),
                           "predicted": int(preds[i])} for i in wrong], "Misclassified test digits")


def trap_note(submission, preds) -> str:
    """Why a model that collapsed onto a couple of digits (or trains with mnist_loss) cannot reach the tiers."""
    classes = preds.unique().numel()
    binary = looks_binary(submission, "fit_full_mnist")
    if binary:
        return (f"; fit_full_mnist trains with the chapter's mnist_loss (sigmoid + torch.where) and the model "
                f"predicted {classes} different digit(s): {TRAP_WHY}")
    if classes <= 2:
        return (f"; your model only ever predicted {classes} different digit(s). Either training diverged (NaN "
                "losses: too high a learning rate, or a loss summed over the batch instead of averaged), or the "
                "loss is a two-class one like the chapter's mnist_loss, which assumes one output and two classes; "
                "ten digits need ten outputs and softmax + cross-entropy over them")
    return ""


@property_case
@points(1)
def test_predictions_are_one_digit_per_image(submission, trained, record):
    """predict_digits gives one digit 0..9 per test image, as an integer tensor of shape (N,)"""
    _, _, problem = scored(trained, record)
    if problem:
        fail(problem, HINT_PREDICT)


@property_case
@points(1)
def test_predictions_use_ten_classes(submission, trained):
    """the model tells all ten digits apart: each digit is recognised in at least a quarter of its test images
    (a two-class loss such as mnist_loss, or an untrained model, cannot)"""
    preds, acc, _ = scored(trained)
    labels = trained[1]
    recall = {d: (preds[labels == d] == d).double().mean().item() for d in range(10)}
    missed = [d for d, r in recall.items() if r < RECOGNISED]
    note = trap_note(submission, preds)
    if missed or (note and acc < TIERS[1]):
        which = ", ".join(f"{d} ({recall[d]:.0%})" for d in missed)
        seen = (f"; digits it recognises in fewer than {RECOGNISED:.0%} of their test images: {which}"
                if missed else "")
        fail(f"predict_digits does not tell the ten digits apart ({acc:.4f} accuracy){seen}{note}",
             HINT_TRAP if note else HINT_TIERS)


def tier_case(submission, trained, threshold):
    preds, acc, _ = scored(trained)
    if acc < threshold:
        note = trap_note(submission, preds)
        fail(f"your model gets {acc:.4f} accuracy on the 10,000 test images, below this tier's {threshold:.2f}"
             f"{note}", HINT_TRAP if note else HINT_TIERS)


@points(2)
def test_tier_060(submission, trained):
    """full MNIST: at least 0.60 accuracy on the 10,000 test images"""
    tier_case(submission, trained, TIERS[0])


@points(2)
def test_tier_090(submission, trained):
    """full MNIST: at least 0.90 accuracy on the 10,000 test images"""
    tier_case(submission, trained, TIERS[1])


@points(2)
def test_tier_095(submission, trained):
    """full MNIST: at least 0.95 accuracy on the 10,000 test images"""
    tier_case(submission, trained, TIERS[2])
