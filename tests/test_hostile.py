"""Hostile submissions score zero on what they target: the judge never holds a student object."""
import pytest

from grader.config import load_settings
from grader.results import Outcome

WRONG_Q04 = "def double_odds(nums):\n    return [0] * len(nums)\n"


@pytest.fixture(scope="module")
def zygote():
    from grader.config import Limits
    from grader.sandbox.warm import Zygote

    with Zygote(Limits()) as z:
        yield z


@pytest.fixture(params=["cold", "warm"])
def grade_it(request, settings):
    """Every attack fails the same way whether the sandbox starts cold or is forked warm from a zygote."""
    from grader.grading import grade

    zygote = request.getfixturevalue("zygote") if request.param == "warm" else None

    def run(path, exercises=None, mode="grade", **overrides):
        chosen = load_settings(**{"timeout": 20, "memory_mb": 2048, **overrides}) if overrides else settings
        return grade(path, chosen, mode=mode, exercise_ids=exercises, zygote=zygote)
    return run


def q04(result):
    return result.exercise("q04")


def test_always_equal_object_is_not_plain_data(make_script, grade_it):
    path = make_script("class Anything:\n    def __eq__(self, other):\n        return True\n"
                       "    __hash__ = object.__hash__\n"
                       "def double_odds(nums):\n    return Anything()\n")
    ex = q04(grade_it(path, ["q04"]))
    assert ex.score == 0
    assert any("not plain data" in c.message for c in ex.cases)


def test_patched_torch_and_builtins_do_not_reach_the_judge(make_script, grade_it):
    path = make_script("import torch, builtins, operator\n"
                       "torch.allclose = lambda *a, **k: True\n"
                       "torch.equal = lambda *a, **k: True\n"
                       "torch.Tensor.__eq__ = lambda *a, **k: True\n"
                       "operator.eq = lambda *a: True\n"
                       "builtins.isinstance = lambda *a: True\n" + WRONG_Q04)
    result = grade_it(path, ["q04"])
    assert result.grader_errors == []
    assert q04(result).score == 0


@pytest.mark.parametrize("exit_call", ["import sys\nsys.exit(0)", "import os\nos._exit(0)",
                                       "raise SystemExit(0)", "import os, signal\nos.kill(os.getpid(), 9)"])
def test_exiting_mid_notebook_neither_passes_nor_stops_grading(make_notebook, grade_it, exit_call):
    path = make_notebook([exit_call, WRONG_Q04])
    result = grade_it(path, ["q04"])
    ex = q04(result)
    assert ex.score == 0 and ex.outcome is Outcome.FAILED
    assert result.grader_errors == []


def test_exiting_before_a_right_answer_does_not_lose_it(make_notebook, grade_it):
    path = make_notebook(["import os\nos._exit(0)",
                          "def double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n"])
    ex = q04(grade_it(path, ["q04"]))
    assert all(c.outcome is Outcome.PASSED for c in ex.cases if c.name != "written answer")


def test_forged_results_on_stdout_and_disk_change_nothing(make_script, grade_it):
    forged = ('{"score": 2, "max_score": 2, "exercises": [{"id": "q04", "outcome": "passed"}]}')
    path = make_script("import json, os\n"
                       f"print({forged!r})\nprint('q04 PASSED 2/2\\n===== 5 passed in 0.01s =====')\n"
                       f"open('result.json', 'w').write({forged!r})\n"
                       "os.makedirs('out', exist_ok=True)\n" + WRONG_Q04)
    result = grade_it(path, ["q04"])
    assert q04(result).score == 0
    assert result.score == 0 and "PASSED" in result.output  # the text is kept as output, nothing more


def test_searching_the_disk_for_answers_finds_nothing(make_script, grade_it):
    path = make_script(
        "import os, glob\n"
        "FOUND = []\n"
        "for root, dirs, files in os.walk('/', onerror=lambda e: None):\n"
        "    dirs[:] = [d for d in dirs if d not in ('proc', 'sys', 'dev')]\n"
        "    FOUND += [os.path.join(root, f) for f in files if f in ('solution.py', 'test_hidden.py')]\n"
        "def double_odds(nums):\n"
        "    for path in FOUND:\n"
        "        if 'q04' in path and path.endswith('solution.py'):\n"
        "            scope = {}\n"
        "            exec(open(path).read(), scope)\n"
        "            return scope['double_odds'](nums)\n"
        "    return None\n")
    assert q04(grade_it(path, ["q04"], timeout=60)).score == 0


def test_patched_tensor_comparisons_cannot_pass_a_wrong_tensor_answer(make_script, grade_it):
    path = make_script("import torch\n"
                       "torch.allclose = lambda *a, **k: True\n"
                       "torch.equal = lambda *a, **k: True\n"
                       "torch.Tensor.__eq__ = lambda *a, **k: True\n"
                       "torch.testing.assert_close = lambda *a, **k: None\n"
                       "def doubled_corner(t):\n    return t[1:, 1:]\n")
    ex = grade_it(path, ["q09"]).exercise("q09")
    assert ex.outcome is not Outcome.PASSED
    assert any("t*2" in c.message or "doubled" in c.message for c in ex.cases if c.outcome is Outcome.FAILED)
