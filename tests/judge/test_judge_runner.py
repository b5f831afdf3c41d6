"""The suite runner: one-shot sessions, and kept sessions that run the same collected tests per submission."""
import sys
import textwrap

import pytest

from grader.catalog import load_catalog, select
from grader.config import load_settings
from grader.judge.runner import keep_suites, run_suites
from grader.results import Outcome, Visibility

SUITE = '''
import pytest

SETUPS = []


@pytest.fixture(scope="module")
def lab():
    SETUPS.append("up")
    yield len(SETUPS)
    SETUPS.append("down")


def test_doubles(submission, lab):
    """double_odds doubles the odd numbers"""
    print("a suite's stray print")
    assert submission.call("double_odds", [1, 2, 3]) == [2, 6]


def test_module_fixture_is_fresh(submission, lab):
    """each submission gets its own module fixture"""
    assert SETUPS[-1] == "up"
'''


class Backend:
    """What a sandbox session answers, from a plain function: enough for the plugin's requests."""

    def __init__(self, double_odds):
        self._fn = double_odds
        self.calls = 0

    def has(self, names):
        return {n: "function" for n in names}

    def call(self, name, *args, timeout=None, **kwargs):
        self.calls += 1
        return self._fn(*args, **kwargs)


@pytest.fixture
def files(tmp_path):
    exercise = select(load_catalog(load_settings().exercises_dir), ["q04"])[0]

    def make(source=SUITE, name="test_kept.py"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(source))
        return {path: (exercise, Visibility.HIDDEN)}
    return make


RIGHT = Backend(lambda nums: [2 * n for n in nums if n % 2])
WRONG = Backend(lambda nums: [2 * n for n in nums])


def outcomes(plugin):
    return [(c.name, c.outcome) for c in plugin.cases["q04"]]


def test_a_kept_session_grades_each_submission_as_a_fresh_session_would(files, capsys):
    suites = files()
    fresh = {name: outcomes(run_suites(b, None, suites, "cpu", {})) for name, b in (("right", RIGHT),
                                                                                   ("wrong", WRONG))}
    seen = []

    def serve(kept):
        assert kept is not None
        for backend in (RIGHT, WRONG, RIGHT):
            plugin = kept.run(backend, None)
            seen.append(outcomes(plugin))

    keep_suites(suites, "cpu", {}, serve)
    assert seen == [fresh["right"], fresh["wrong"], fresh["right"]]
    suite = next(m for m in list(sys.modules.values()) if getattr(m, "__file__", None) == str(next(iter(suites))))
    assert suite.SETUPS == ["up", "down"] * 5  # two fresh sessions, then three runs of the kept one
    assert fresh["right"] == [("double_odds doubles the odd numbers", Outcome.PASSED),
                              ("each submission gets its own module fixture", Outcome.PASSED)]
    assert fresh["wrong"][0] == ("double_odds doubles the odd numbers", Outcome.FAILED)
    assert "stray print" not in capsys.readouterr().out


def test_each_run_has_its_own_cases(files):
    kept_plugins = []

    def serve(kept):
        first = kept.run(RIGHT, None)
        first_cases = first.cases
        kept.run(WRONG, None)
        kept_plugins.append(first_cases)

    keep_suites(files(), "cpu", {}, serve)
    assert [c.outcome for c in kept_plugins[0]["q04"]] == [Outcome.PASSED, Outcome.PASSED]


def test_a_suite_that_cannot_be_collected_is_not_kept(files):
    got = []
    keep_suites(files("def broken(:\n"), "cpu", {}, got.append)
    assert got == [None]


def test_nothing_to_run_is_not_kept():
    got = []
    keep_suites({}, "cpu", {}, got.append)
    assert got == [None]


def test_what_serve_raises_comes_out(files):
    def serve(kept):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        keep_suites(files(), "cpu", {}, serve)
