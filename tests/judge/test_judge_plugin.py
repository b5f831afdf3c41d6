"""The plugin reads what a suite declares: a case marked @property_case is a property, any other case is core."""
from grader.catalog import load_catalog, select
from grader.config import load_settings
from grader.judge.runner import run_suites
from grader.results import Outcome, Visibility

SUITE = '''
from grader.judge.api import points, property_case


@points(2)
def test_values(submission):
    """double_odds doubles the odd numbers"""
    assert submission.call("double_odds", [1, 2, 3]) == [2, 6]


@property_case
@points(1)
def test_empty(submission):
    """double_odds of [] is []"""
    assert submission.call("double_odds", []) == []
'''


class Backend:
    def __init__(self, double_odds):
        self._fn = double_odds

    def has(self, names):
        return {n: "function" for n in names}

    def call(self, name, *args, timeout=None, **kwargs):
        return self._fn(*args, **kwargs)


def test_cases_carry_the_kind_their_suite_declares(tmp_path):
    exercise = select(load_catalog(load_settings().exercises_dir), ["q04"])[0]
    path = tmp_path / "test_kinds.py"
    path.write_text(SUITE)
    plugin = run_suites(Backend(lambda nums: []), None, {path: (exercise, Visibility.HIDDEN)}, "cpu", {})
    assert plugin.grader_errors == []
    assert [(c.name, c.kind, c.outcome, c.max_score) for c in plugin.cases["q04"]] == [
        ("double_odds doubles the odd numbers", "core", Outcome.FAILED, 2.0),
        ("double_odds of [] is []", "property", Outcome.PASSED, 1.0)]
