"""Progress of a batch: a bar with an ETA on a terminal, plain lines in a log, one line per submission in trouble."""
import io

from grader.grading.progress import Progress, clock, trouble
from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult


def result(name="ann", score=5.0, **extra) -> SubmissionResult:
    return SubmissionResult(submission=name, path="p", sha256="", score=score, max_score=10.0,
                            timings={"total": 0.4}, **extra)


def test_trouble_names_what_went_wrong():
    assert trouble(result()) is None
    assert trouble(result(grader_errors=["RuntimeError: boom\ntraceback"])) == "grader error: RuntimeError: boom"
    looped = result(incidents=[{"kind": "timeout", "cell": 2, "exercise": "q04", "message": "cell 2 ran long"},
                               {"kind": "memory", "cell": 3, "exercise": "q05", "message": "cell 3 used a lot"}])
    assert trouble(looped) == "timeout: cell 2 ran long (+1 more)"
    unreadable = result(exercises=[ExerciseResult("q04", "t", "code", Outcome.ERROR, 0, 2, cases=[
        CaseResult("submission could be read", Outcome.ERROR, 0, 2, message="not valid JSON")])])
    assert trouble(unreadable) == "unreadable: not valid JSON"


def test_a_log_gets_one_plain_line_per_submission_and_no_control_codes():
    stream = io.StringIO()
    progress = Progress(stream, tty=False)
    progress.plan(total=3, todo=2, skipped=1)
    progress.result(result("ann"), 1)
    progress.result(result("ben", grader_errors=["boom"]), 2)
    progress.finish()
    text = stream.getvalue()
    assert "\r" not in text and "\x1b" not in text
    assert text.splitlines() == [
        "1 of 3 submissions are already graded and unchanged: skipped (--force regrades them)",
        "grading 2 submissions", "[1/2] ann: 5/10 (50%) in 0.4 s", "[2/2] ben: grader error: boom"]
    assert progress.failed == 1


def test_a_terminal_gets_a_bar_with_an_eta(monkeypatch):
    import grader.grading.progress as mod

    now = [100.0]
    monkeypatch.setattr(mod.time, "monotonic", lambda: now[0])
    stream = io.StringIO()
    progress = Progress(stream, tty=True)
    progress.plan(total=4, todo=4, skipped=0)
    now[0] += 10
    progress.result(result("ann"), 1)
    assert progress.bar() == "[#######.....................] 1/4  25% ETA 0:30"
    assert stream.getvalue().endswith(progress.bar())
    assert clock(3725) == "1:02:05"
