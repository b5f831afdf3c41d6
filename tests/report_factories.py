"""A realistic graded submission for the report tests, and the golden-file helper they share.

Everything is synthetic and deterministic (digits are drawn as slanted seven-segment strokes), so the tests need
no data file and the rendered reports can be compared byte for byte with files in ``tests/golden``.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult, Visibility

GOLDEN = Path(__file__).parent / "golden"
HIDDEN_EXPECTED = "SECRET-EXPECTED-5d1c"
HIDDEN_ACTUAL = "SECRET-ACTUAL-9b7e"
P, H = Visibility.PUBLIC, Visibility.HIDDEN

# Seven-segment strokes on a 28x28 canvas: segment -> ((x0, y0), (x1, y1)).
_SEGMENTS = {"a": ((9, 5), (19, 5)), "b": ((19, 5), (19, 14)), "c": ((19, 14), (19, 23)),
             "d": ((9, 23), (19, 23)), "e": ((9, 14), (9, 23)), "f": ((9, 5), (9, 14)), "g": ((9, 14), (19, 14))}
_DIGITS = ["abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg"]


def synthetic_digit(digit: int) -> list[int]:
    """784 row-major 0..255 ints that look like ``digit`` in MNIST style (white ink on black, slight slant)."""
    yy, xx = np.mgrid[0:28, 0:28].astype(float)
    xx = xx - (14 - yy) * 0.25  # slant like handwriting
    ink = np.zeros((28, 28))
    for seg in _DIGITS[digit]:
        (x0, y0), (x1, y1) = _SEGMENTS[seg]
        dx, dy = x1 - x0, y1 - y0
        t = np.clip(((xx - x0) * dx + (yy - y0) * dy) / (dx * dx + dy * dy), 0, 1)
        dist = np.hypot(xx - (x0 + t * dx), yy - (y0 + t * dy))
        ink = np.maximum(ink, np.clip(2.2 - dist, 0, 1))
    return [int(v) for v in np.rint(ink * 255).astype(int).ravel()]


def confusion_counts() -> list[list[int]]:
    """A plausible 10-class confusion matrix of a linear model on a 1,000-image sample."""
    hits = [96, 110, 88, 90, 85, 72, 91, 94, 79, 83]
    mistakes = {(4, 9): 9, (9, 4): 7, (3, 5): 6, (5, 3): 8, (7, 2): 4, (2, 7): 3, (8, 3): 5, (8, 5): 3,
                (6, 0): 2, (1, 7): 1, (5, 8): 4, (2, 8): 2, (7, 9): 5, (0, 6): 1, (3, 8): 2}
    m = [[0] * 10 for _ in range(10)]
    for i, v in enumerate(hits):
        m[i][i] = v
    for (r, c), v in mistakes.items():
        m[r][c] = v
    return m


def _exercise(id_: str, title: str, kind: str, cases: list[CaseResult], **extra) -> ExerciseResult:
    outcome, score, max_score = ExerciseResult.summarise(cases)
    return ExerciseResult(id_, title, kind, outcome, score, max_score, cases, **extra)


def make_exercises() -> list[ExerciseResult]:
    q04 = _exercise("q04", "List comprehension: double the odd numbers", "questionnaire", [
        CaseResult("odd_numbers_doubled", Outcome.PASSED, 1, 1, P, duration=0.01),
        CaseResult("uses_a_comprehension", Outcome.PASSED, 1, 1, H, duration=0.01)])
    q09 = _exercise("q09", "3×3 tensor: double it, take the bottom-right corner", "questionnaire", [
        CaseResult("corner_of_doubled", Outcome.FAILED, 0, 2, P,
                   message="The bottom-right 2×2 corner has the wrong values.",
                   hint="The corner must come from t*2, not t",
                   expected="[[10, 12], [16, 18]]", actual="[[5, 6], [8, 9]]", duration=0.02),
        CaseResult("corner_is_a_tensor", Outcome.FAILED, 0, 1, H,
                   message="The answer should stay a tensor of the doubled values.",
                   expected=HIDDEN_EXPECTED, actual=HIDDEN_ACTUAL, duration=0.01)])
    q26 = _exercise("q26", "Pair up two sequences (zip)", "questionnaire", [
        CaseResult("answer_present", Outcome.MISSING, 0, 2, P,
                   message="No cell marked `# q26` was found in the notebook.",
                   hint="Put `# q26` on the first line of the cell with your answer.")])
    fr1 = _exercise("fr1", "Your own Learner from scratch", "further research", [
        CaseResult("learner_fits", Outcome.PASSED, 2, 2, P, duration=3.10),
        CaseResult("resets_gradients", Outcome.FAILED, 0, 2, P,
                   message="Gradients kept growing from one batch to the next.",
                   hint="Call p.grad.zero_() (or set p.grad = None) after each optimiser step.",
                   expected="grad norm after step 2 ≈ 0.41", actual="grad norm after step 2 = 0.83",
                   duration=1.25),
        CaseResult("accuracy_above_threshold", Outcome.PASSED, 2, 2, H, duration=4.02)],
        feedback=["Your Learner trained for 5 epochs in 8.2 s."],
        artifacts={
            "curves": [{"title": "Learning curve", "x_label": "epoch", "y_label": "loss / accuracy",
                        "series": {"train loss": [0.62, 0.41, 0.33, 0.29, 0.27],
                                   "valid loss": [0.45, 0.35, 0.31, 0.30, 0.30],
                                   "accuracy": [0.88, 0.92, 0.94, 0.95, 0.955]}}],
            "metrics": {"held-out accuracy": 0.9791, "threshold": 0.97, "epochs": 5},
            "unknown_future_key": {"ignored": True}})
    pairs = [(4, 9), (3, 5), (7, 2), (9, 4), (5, 3), (2, 7), (8, 3), (6, 0)]
    fr2 = _exercise("fr2", "Full MNIST: all ten digits", "further research", [
        CaseResult("predict_shape", Outcome.PASSED, 1, 1, P, duration=0.40),
        CaseResult("accuracy_all_digits", Outcome.FAILED, 0, 3, H,
                   message="Accuracy 0.81 on the held-out sample is below the required 0.90.", duration=6.50),
        CaseResult("runs_in_time", Outcome.PASSED, 2, 2, H, duration=6.51)],
        feedback=["Training ran on the bundled 1,000-image sample, not the full 60,000 images."],
        artifacts={
            "confusion": {"title": "Confusion matrix (held-out sample)", "labels": [str(d) for d in range(10)],
                          "matrix": confusion_counts()},
            "misclassified": {"title": "Some misclassified digits", "items": [
                {"pixels": synthetic_digit(t), "label": t, "predicted": p} for t, p in pairs]},
            "metrics": {"accuracy": 0.8112}})
    return [q04, q09, q26, fr1, fr2]


def make_result(**overrides) -> SubmissionResult:
    """The standard factory result; keyword arguments replace any SubmissionResult field."""
    exercises = overrides.pop("exercises", None) or make_exercises()
    fields = dict(
        submission="alice_ch4", path="submissions/alice_ch4.ipynb", sha256="3f" * 32,
        score=sum(e.score for e in exercises), max_score=sum(e.max_score for e in exercises),
        exercises=exercises,
        notes=["Neutralised 2 IPython magics: %matplotlib inline, !pip install fastbook",
               "Cell 3 (not an exercise) raised NameError: name 'path' is not defined"],
        device="cpu", isolation="bubblewrap (user, network, PID and mount namespaces)", grader_version="0.1.0",
        mode="grade", timings={"notebook": 31.42, "tests": 9.87, "total": 41.29},
        created="2024-05-01T12:00:00+00:00")
    fields.update(overrides)
    return SubmissionResult(**fields)


def every_outcome_exercises() -> list[ExerciseResult]:
    """The standard exercises (pictures included) plus one whose code raised and one that ran out of time."""
    q12 = _exercise("q12", "Broadcasting: distance of every image to the ideal 3", "questionnaire", [
        CaseResult("distance_shape", Outcome.ERROR, 0, 2, P,
                   message="RuntimeError: The size of tensor a (28) must match the size of tensor b (784) at "
                           "non-singleton dimension 1",
                   hint="Take the mean over the last two axes: (a - b).abs().mean((-1, -2))", duration=0.03),
        CaseResult("distance_values", Outcome.ERROR, 0, 1, H, message="mnist_distance raised RuntimeError",
                   duration=0.02)])
    q30 = _exercise("q30", "SGD by hand: seven steps on a quadratic", "questionnaire", [
        CaseResult("converges", Outcome.TIMEOUT, 0, 2, P, message="apply_step did not finish within 20 s",
                   hint="Each step should change the parameters once; check the loop ends.", duration=20.0),
        CaseResult("loss_decreases", Outcome.TIMEOUT, 0, 1, H, duration=20.0)])
    exercises = make_exercises()
    return exercises[:3] + [q12, q30] + exercises[3:]


def every_outcome_result(**overrides) -> SubmissionResult:
    """A graded result showing every outcome, notes, a grader error and printed output: the whole report."""
    fields = dict(exercises=every_outcome_exercises(), submission="alice_ch4",
                  grader_errors=["hidden suite q12 could not load its reference tensor: FileNotFoundError"],
                  output="".join(f"epoch {i}: train loss {0.62 / (i + 1):.4f}, valid loss {0.45 / (i + 1):.4f}\n"
                                 for i in range(60)) + "x" * 300 + "\n")
    fields.update(overrides)
    exercises = fields["exercises"]
    fields.setdefault("score", sum(e.score for e in exercises))
    fields.setdefault("max_score", sum(e.max_score for e in exercises))
    return make_result(**fields)


def all_passed_exercises() -> list[ExerciseResult]:
    return [_exercise("q04", "List comprehension", "questionnaire",
                      [CaseResult("odd_numbers_doubled", Outcome.PASSED, 1, 1, P)]),
            _exercise("q09", "3×3 tensor", "questionnaire",
                      [CaseResult("corner_of_doubled", Outcome.PASSED, 2, 2, P)])]


def assert_golden(name: str, text: str) -> None:
    """Compare ``text`` with ``tests/golden/<name>``; with UPDATE_GOLDEN=1 rewrite the file instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        return
    assert path.exists(), f"golden file {path} is missing; run with UPDATE_GOLDEN=1 to create it"
    with open(path, encoding="utf-8", newline="") as handle:
        expected = handle.read()
    assert text == expected, f"output differs from {path}; inspect and rerun with UPDATE_GOLDEN=1 if intended"
