"""Q8's speed case is decided by what the grading process measures: its own loop baseline and its own clock
around requests whose every call it checks, each on images changed since the call before, so a loop that slows
the sandbox's clock or math, or that remembers its answers, earns nothing."""
from __future__ import annotations

import pytest

from grader.config import REPO_ROOT, load_settings
from grader.grading.grade import grade
from grader.results import Outcome

ATTACKS = REPO_ROOT / "tests" / "hostile"  # the corpus: graded in one batch there, alone and at length here
HOSTILE = ATTACKS / "slowed_loop_baseline.py"


def speed_case(ex):
    return next(c for c in ex.cases if "20 times faster" in c.name)


@pytest.mark.timeout(600)
def test_a_loop_that_slows_the_baseline_inside_the_sandbox_is_still_a_loop():
    ex = grade(HOSTILE, load_settings(timeout=60), exercise_ids=["q08"]).exercise("q08")
    speed = next(c for c in ex.cases if "20 times faster" in c.name)
    assert speed.outcome is Outcome.FAILED and speed.score == 0
    assert "times faster than a plain Python loop" in speed.message  # a slowed baseline would have shown a
    # speed-up in the hundreds; the grader's own baseline shows it for the per-image loop it is


@pytest.mark.timeout(600)
def test_a_loop_that_remembers_its_answers_is_timed_as_the_loop_it_is():
    ex = grade(ATTACKS / "remembered_answers.py", load_settings(timeout=60), exercise_ids=["q08"]).exercise("q08")
    assert next(c for c in ex.cases if c.name.startswith("paired_rmse gives the right")).outcome is Outcome.PASSED
    assert next(c for c in ex.cases if "without a Python loop" in c.name).outcome is Outcome.PASSED  # unseen there
    assert any("calls globals()" in line for line in ex.tampering)  # but the way it hides is flagged
    speed = speed_case(ex)
    assert speed.outcome is Outcome.FAILED and speed.score == 0
    assert "times faster than a plain Python loop" in speed.message  # remembered, it would be thousands of times


@pytest.mark.timeout(600)
def test_the_reference_is_timed_the_same_way_and_passes():
    ex = grade(REPO_ROOT / "solutions" / "reference.ipynb", load_settings(), exercise_ids=["q08"]).exercise("q08")
    speed = next(c for c in ex.cases if "20 times faster" in c.name)
    assert speed.outcome is Outcome.PASSED and ex.artifacts["metrics"]["speed-up"] >= 20
