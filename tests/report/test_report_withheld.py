"""Every renderer says, per exercise, why property points were withheld, and marks the cases that wait."""
import pytest

from grader.catalog import load_catalog, select
from grader.config import REPO_ROOT
from grader.judge import scoring
from grader.report.html import render_html
from grader.report.notebook import render_html as notebook_html
from grader.report.notebook import render_text as notebook_text
from grader.report.student_text import case_text, summary
from grader.report.terminal import render_terminal
from grader.results import CaseResult, Outcome, SubmissionResult, Visibility

Q09 = select(load_catalog(REPO_ROOT / "exercises"), ["q09"])[0]
CORE = "doubled_corner is right on integer 3×3 tensors it has never seen"
SIDE = "doubled_corner leaves the tensor it is given unchanged"
WAITS = "not counted until doubled_corner works"


def result(core_passes: bool, mode: str = "grade") -> SubmissionResult:
    cases = [CaseResult(CORE, Outcome.PASSED if core_passes else Outcome.FAILED, 2.0 if core_passes else 0.0, 2.0,
                        Visibility.HIDDEN, message="" if core_passes else "doubled_corner took the top-left corner",
                        kind="core"),
             CaseResult(SIDE, Outcome.PASSED, 1.0, 1.0, Visibility.HIDDEN, kind="property")]
    ex = scoring.verdict(Q09, cases)
    return SubmissionResult(submission="s", path="s.py", sha256="", score=ex.score, max_score=ex.max_score,
                            exercises=[ex], mode=mode)


@pytest.fixture
def withheld():
    r = result(core_passes=False)
    assert r.exercises[0].withheld and r.score == 0
    return r


def test_the_terminal_says_why_in_short_and_verbose_reports(withheld):
    short = " ".join(render_terminal(withheld, color=False).split())  # as read, whatever the wrapping
    assert "0.67 points for side checks" in short and f"Fix first: {CORE}" in short
    verbose = " ".join(render_terminal(withheld, verbose=True, color=False).split())
    assert "0.67 points for side checks" in verbose
    side_line = verbose.index(SIDE)
    assert WAITS in verbose[side_line:]


def test_the_html_report_says_why_and_tags_the_waiting_case(withheld):
    html = render_html(withheld)
    assert "Withheld:</strong> 0.67 points for side checks" in html
    assert f'<p class="message withheld">{WAITS}</p>' in html and "side check" in html


def test_the_self_check_says_why_in_text_and_html(withheld):
    check = result(core_passes=False, mode="check")
    assert WAITS in notebook_text(check) and "0.67 points for side checks" in notebook_text(check)
    assert WAITS in notebook_html(check) and "withheld:</strong> 0.67 points" in notebook_html(check)


def test_exports_carry_the_reason(withheld):
    assert "q09: 0.67 points for side checks" in summary(withheld)
    assert "Not counted until doubled_corner works." in case_text(withheld.exercises[0].cases[1])


def test_nothing_is_said_when_the_core_cases_pass():
    r = result(core_passes=True)
    texts = [render_terminal(r, verbose=True, color=False), render_html(r), notebook_text(r), notebook_html(r),
             summary(r)]
    assert r.score == r.max_score
    assert not any("not counted" in text.lower() for text in texts)
