"""A small graded class for the dashboard, flag and similarity tests: results, code and synthetic notebooks.

Everything is deterministic.  The code samples are written the way students write chapter 4: a starter (the
workbook every student receives), two honest but independent solutions of the same exercises, a copy of one of
them with every name changed, and a generator of plausible, distinct notebooks for a class of any size.
"""
from __future__ import annotations

import random
from html.parser import HTMLParser

from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult, Visibility
from grader.report.dashboard import ClassRow
from report_factories import make_exercises, make_result

P, H = Visibility.PUBLIC, Visibility.HIDDEN
EVIL = "<script>alert('pwned')</script>"

# ------------------------------------------------------------------------------------------------ code

STARTER = '''# exercise: q04
def double_odds(nums):
    """Return the odd numbers of `nums`, doubled, as a list built by a list comprehension."""
    raise NotImplementedError("replace this line with a list comprehension")


# exercise: fr1
import torch


class BasicOptim:
    """The chapter's optimiser: step() moves every parameter against its gradient; zero_grad() clears them."""

    def __init__(self, params, lr):
        raise NotImplementedError


class Learner:
    """fit(n_epochs, lr) trains model on dls.train with loss_func and records one history row per epoch."""

    def __init__(self, dls, model, opt_func, loss_func, metrics=()):
        raise NotImplementedError


def mnist_loss(predictions, targets):
    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()
'''

HONEST_A = STARTER.split("# exercise: fr1")[0].replace(
    '    raise NotImplementedError("replace this line with a list comprehension")',
    "    return [2 * n for n in nums if n % 2 == 1]") + '''
# exercise: fr1
import torch


class BasicOptim:
    """The chapter's optimiser."""

    def __init__(self, params, lr):
        self.params, self.lr = list(params), lr

    def step(self, *args, **kwargs):
        for p in self.params:
            p.data -= p.grad.data * self.lr

    def zero_grad(self, *args, **kwargs):
        for p in self.params:
            p.grad = None


class Learner:
    def __init__(self, dls, model, opt_func, loss_func, metrics=()):
        self.dls, self.model, self.opt_func = dls, model, opt_func
        self.loss_func, self.metrics = loss_func, list(metrics)
        self.history = []

    def params(self):
        model = self.model
        return list(model.parameters()) if hasattr(model, "parameters") else list(model.params)

    def one_batch(self, xb, yb):
        loss = self.loss_func(self.model(xb), yb)
        loss.backward()
        self.opt.step()
        self.opt.zero_grad()
        return loss.item()

    def validate(self):
        losses, scores = [], {m.__name__: [] for m in self.metrics}
        with torch.no_grad():
            for xb, yb in self.dls.valid:
                preds = self.model(xb)
                losses.append(self.loss_func(preds, yb).item())
                for m in self.metrics:
                    scores[m.__name__].append(float(m(preds, yb)))
        return sum(losses) / len(losses), {k: sum(v) / len(v) for k, v in scores.items()}

    def fit(self, n_epochs, lr):
        self.opt = self.opt_func(self.params(), lr)
        for epoch in range(n_epochs):
            train = [self.one_batch(xb, yb) for xb, yb in self.dls.train]
            valid_loss, scores = self.validate()
            self.history.append({"epoch": epoch, "train_loss": sum(train) / len(train),
                                 "valid_loss": valid_loss, **scores})
'''

HONEST_B = '''# exercise: q04
def double_odds(nums):
    """Return the odd numbers of `nums`, doubled, as a list built by a list comprehension."""
    doubled = [value * 2 for value in nums if value % 2 != 0]
    return doubled


# exercise: fr1
import torch


class BasicOptim:
    def __init__(self, params, lr):
        self.params = [p for p in params]
        self.lr = lr

    def step(self):
        with torch.no_grad():
            for param in self.params:
                param -= self.lr * param.grad

    def zero_grad(self):
        for param in self.params:
            if param.grad is not None:
                param.grad.zero_()


class Learner:
    """My Learner: trains, then measures on the validation set after every epoch."""

    def __init__(self, dls, model, opt_func, loss_func, metrics=()):
        self.dls = dls
        self.model = model
        self.opt_func = opt_func
        self.loss_func = loss_func
        self.metrics = metrics
        self.history = []

    def fit(self, n_epochs, lr):
        try:
            weights = self.model.parameters()
        except AttributeError:
            weights = self.model.params
        opt = self.opt_func(weights, lr)
        for epoch in range(n_epochs):
            total, batches = 0.0, 0
            for x, y in self.dls.train:
                out = self.model(x)
                loss = self.loss_func(out, y)
                loss.backward()
                opt.step()
                opt.zero_grad()
                total += loss.item()
                batches += 1
            row = {"epoch": epoch, "train_loss": total / max(batches, 1)}
            valid_losses = []
            metric_values = {}
            with torch.no_grad():
                for x, y in self.dls.valid:
                    out = self.model(x)
                    valid_losses.append(self.loss_func(out, y).item())
                    for metric in self.metrics:
                        metric_values.setdefault(metric.__name__, []).append(metric(out, y).item())
            row["valid_loss"] = sum(valid_losses) / len(valid_losses)
            for name, values in metric_values.items():
                row[name] = sum(values) / len(values)
            self.history.append(row)
'''


def renamed_copy(code: str) -> str:
    """``code`` as a copier hands it in: names changed, comments and docstrings rewritten, blank lines moved."""
    renames = {"nums": "numbers", " n ": " k ", "(n ": "(k ", "self.params": "self.weights", "p.data": "w.data",
               "p.grad": "w.grad", "for p in": "for w in", "lr": "rate", "xb": "inputs", "yb": "targets",
               "losses": "loss_list", "scores": "metric_log", "preds": "outputs", "train =": "train_losses =",
               "sum(train)": "sum(train_losses)", "len(train)": "len(train_losses)", "epoch": "ep",
               "The chapter's optimiser.": "Plain SGD, written by me.", "model = self.model": "m = self.model",
               "model.parameters()": "m.parameters()", "model.params": "m.params",
               "hasattr(model,": "hasattr(m,", "one_batch": "do_batch"}
    for old, new in renames.items():
        code = code.replace(old, new)
    code = code.replace('"ep"', '"epoch"').replace("n_eps", "n_epochs")
    return code.replace("\n\n\n", "\n\n# my work\n\n")


_ATTRS = ("mean", "sum", "sigmoid", "relu", "view", "float", "abs", "sqrt", "exp", "log", "max", "min", "argmax",
          "clamp", "squeeze", "unsqueeze", "flatten", "t", "std", "square", "item", "tolist", "numel", "detach")
_FUNCS = ("torch.zeros", "torch.ones", "torch.randn", "torch.rand", "torch.arange", "torch.full", "torch.eye",
          "torch.linspace", "torch.tensor", "torch.stack", "torch.cat", "torch.where")
_OPS = ("+", "-", "*", "/", "@", "**", "//", "%")
_CMPS = ("<", ">", "<=", ">=", "==", "!=")


def synthetic_code(seed: int, starter: str = STARTER, functions: int = 30) -> str:
    """A plausible, distinct notebook of about 400 lines: the starter, then ``functions`` helper functions."""
    rnd = random.Random(seed)
    names = [f"{a}{b}" for a in ("x", "y", "w", "acc", "loss", "img", "t", "grad") for b in ("", "s", "_1", "b")]

    def v() -> str:
        return rnd.choice(names)

    def num() -> str:
        return rnd.choice([str(rnd.randint(0, 99)), f"{rnd.random():.2f}", f"1e-{rnd.randint(1, 6)}"])

    templates = [
        lambda: f"{v()} = {v()}.{rnd.choice(_ATTRS)}({rnd.choice(['', num(), 'dim=' + str(rnd.randint(0, 2))])})",
        lambda: f"{v()} = ({v()} {rnd.choice(_OPS)} {num()}) {rnd.choice(_OPS)} {v()}.{rnd.choice(_ATTRS)}()",
        lambda: f"{v()} = {rnd.choice(_FUNCS)}({num()}, {num()})",
        lambda: f"{v()} = [{v()} {rnd.choice(_OPS)} {num()} for {v()} in {v()} if {v()} {rnd.choice(_CMPS)} {num()}]",
        lambda: f"if {v()}.{rnd.choice(_ATTRS)}() {rnd.choice(_CMPS)} {num()}:\n        {v()} = {v()} "
                f"{rnd.choice(_OPS)} {num()}",
        lambda: f"for {v()} in range({rnd.randint(1, 99)}):\n        {v()} {rnd.choice(_OPS)}= "
                f"{v()}.{rnd.choice(_ATTRS)}()",
        lambda: f"print(f\"{rnd.choice(['step', 'epoch', 'batch'])} {{{v()}}}: {{{v()}:.{rnd.randint(1, 4)}f}}\")",
    ]
    parts = [starter, "", "# my helpers"]
    for f in range(functions):
        parts.append(f"def helper_{seed}_{f}({v()}, {v()}={num()}):")
        parts.append(f'    """Step {f} of my pipeline."""')
        for _ in range(rnd.randint(8, 12)):
            parts.append("    " + rnd.choice(templates)())
        parts.append(f"    return {v()}.{rnd.choice(_ATTRS)}()")
        parts.append("")
    return "\n".join(parts) + "\n"


# ------------------------------------------------------------------------------------------------ results

def _exercise(id_: str, title: str, kind: str, cases: list[CaseResult], **extra) -> ExerciseResult:
    outcome, score, max_score = ExerciseResult.summarise(cases)
    return ExerciseResult(id_, title, kind, outcome, score, max_score, cases, **extra)


def passed_exercises() -> list[ExerciseResult]:
    """Every exercise of the standard factory result, passed (FR1 at the reference's accuracy)."""
    out = []
    for ex in make_exercises():
        cases = [CaseResult(c.name, Outcome.PASSED, c.max_score, c.max_score, c.visibility) for c in ex.cases]
        out.append(_exercise(ex.id, ex.title, ex.kind, cases, artifacts=dict(ex.artifacts)))
    out[3].artifacts["metrics"] = {"linear model held-out accuracy": 0.9843, "linear model threshold": 0.97}
    out[4].artifacts["metrics"] = {"test accuracy (10,000 images)": 0.9747, "tier thresholds": "0.60 / 0.90 / 0.95"}
    return out


def result_for(key: str, exercises: list[ExerciseResult] | None = None, **overrides) -> SubmissionResult:
    exercises = exercises if exercises is not None else make_exercises()
    fields = dict(submission=key, path=f"submissions/{key}.ipynb", exercises=exercises,
                  score=sum(e.score for e in exercises), max_score=sum(e.max_score for e in exercises))
    fields.update(overrides)
    return make_result(**fields)


def make_class() -> dict[str, SubmissionResult]:
    """Six graded students, each showing something the dashboard must report."""
    perfect = passed_exercises()
    perfect[3].artifacts["metrics"] = {"linear model held-out accuracy": 1.0, "linear model threshold": 0.97,
                                       "784-30-1 net held-out accuracy": 0.9971}
    timed_out = make_exercises()
    timed_out[3] = _exercise("fr1", timed_out[3].title, timed_out[3].kind, [
        CaseResult("learner_fits", Outcome.TIMEOUT, 0, 2, P, message="fit did not finish within 300 s"),
        CaseResult("resets_gradients", Outcome.TIMEOUT, 0, 2, P)])
    review = make_exercises()
    review[1].cases[0].needs_review = True
    review[2].cases[0].needs_review = True
    return {
        "alice": result_for("alice", exercises=review),
        "bob": result_for("bob", exercises=perfect),
        "carol": result_for("carol", exercises=timed_out, incidents=[
            {"kind": "timeout", "cell": 7, "exercise": "fr1", "message": "cell 7 ran past the 60 s limit"}]),
        "dave": result_for("dave", exercises=passed_exercises(), incidents=[
            {"kind": "memory", "cell": 9, "exercise": "fr2", "message": "cell 9 went over the 4096 MB memory limit"},
            {"kind": "output", "cell": None, "exercise": None,
             "message": "printed 123456 bytes more than the output limit"}]),
        "eve": result_for("eve", submission=EVIL, exercises=make_exercises()[:2], notes=[]),
        "frank": SubmissionResult(submission="frank", path="submissions/frank.ipynb", sha256="", score=0.0,
                                  max_score=0.0, grader_version="0.1.0", created="2024-05-01T12:00:00+00:00",
                                  grader_errors=["RuntimeError: hidden suite q09 failed to import",
                                                 "Traceback (most recent call last): ..."]),
    }


def class_codes() -> dict[str, str]:
    """Code of the class above: bob copied alice (renamed), the others wrote their own."""
    return {"alice": HONEST_A, "bob": renamed_copy(HONEST_A), "carol": HONEST_B,
            "dave": synthetic_code(4), "eve": synthetic_code(5), "frank": STARTER}


def class_rows(results: dict[str, SubmissionResult]) -> list[ClassRow]:
    return [ClassRow(student=key, name=result.submission, result=result, report_href=f"{key}/report.html")
            for key, result in results.items()]


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text inside its <style>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style = ""
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data

    def all(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.tags if tag == name]
