"""A kept pytest session (one per grading worker) is clean for the next submission whatever stopped the last
one midway: whatever escapes a test's protocol is raised again only after everything set up is torn down."""
import textwrap

import pytest

from grader.catalog import load_catalog, select
from grader.config import load_settings
from grader.judge.backend import StudentError
from grader.judge.runner import keep_suites
from grader.results import Outcome, Visibility

SUITE = '''
import pytest


@pytest.fixture(scope="module")
def lab(submission_name):
    return {"for": submission_name}


@pytest.fixture(scope="module")
def submission_name():
    return object()


def test_first(submission, lab):
    """the first case"""
    assert submission.call("double_odds", [1, 2, 3]) == [2, 6]


def test_second(submission, lab):
    """the second case"""
    assert submission.call("double_odds", [3]) == [6]


def test_third(submission):
    """the third case"""
    assert submission.call("double_odds", []) == []
'''


class Backend:
    def __init__(self, stop_on: int | None = None, error_info=None):
        self.stop_on, self.error_info, self.calls = stop_on, error_info, 0

    def has(self, names):
        return {n: "function" for n in names}

    def call(self, name, *args, timeout=None, **kwargs):
        self.calls += 1
        if self.calls == self.stop_on:
            raise KeyboardInterrupt  # pytest lets it out of a test's protocol, midway through the session
        if self.error_info is not None:
            raise StudentError(self.error_info)
        return [2 * n for n in args[0] if n % 2]


@pytest.fixture
def suite(tmp_path):
    exercise = select(load_catalog(load_settings().exercises_dir), ["q04"])[0]
    path = tmp_path / "test_kept_reset.py"
    path.write_text(textwrap.dedent(SUITE))
    return {path: (exercise, Visibility.HIDDEN)}


def test_a_run_stopped_midway_leaves_nothing_set_up_for_the_next_submission(suite):
    seen = []

    def serve(kept):
        with pytest.raises(KeyboardInterrupt):
            kept.run(Backend(stop_on=2), None)  # stopped inside the second test, its module fixtures set up
        assert kept._session._setupstate.stack == {} and kept.broken == ""
        for _ in range(2):
            plugin = kept.run(Backend(), None)
            seen.append([(c.name, c.outcome) for c in plugin.cases["q04"]])

    keep_suites(suite, "cpu", {}, serve)
    passed = [("the first case", Outcome.PASSED), ("the second case", Outcome.PASSED),
              ("the third case", Outcome.PASSED)]
    assert seen == [passed, passed]


def test_an_error_of_any_shape_is_recorded_and_no_hook_raises(suite):
    """A backend that does not check its errors (the self-check's does not need to): the plugin still records a
    case for each test, and the session goes on."""
    seen = []

    def serve(kept):
        for info in ({"type": "ValueError", "message": "m", "frames": {"not": "a list"}}, {"type": 3}, {}):
            plugin = kept.run(Backend(error_info=info), None)
            seen.append(([c.outcome for c in plugin.cases["q04"]], plugin.grader_errors))
        plugin = kept.run(Backend(), None)
        seen.append(([c.outcome for c in plugin.cases["q04"]], plugin.grader_errors))

    keep_suites(suite, "cpu", {}, serve)
    assert seen == [([Outcome.ERROR] * 3, [])] * 3 + [([Outcome.PASSED] * 3, [])]
