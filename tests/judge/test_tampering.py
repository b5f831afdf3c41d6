"""The static second wall: code that reaches for frames, the garbage collector, the sandbox's own modules, or
rebinds what it did not define is found, with its cell and line; honest chapter code never is."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from grader.config import REPO_ROOT
from grader.intake.submission import load
from grader.judge.tampering import scan


@dataclass
class Cell:
    index: int
    source: str
    exercise: str | None = "q13"


def findings(*sources: str) -> list[str]:
    return [f.what for f in scan([Cell(i, s) for i, s in enumerate(sources)])]


@pytest.mark.parametrize("source, expected", [
    ("import sys\nf = sys._getframe(1)\n", "calls sys._getframe()"),
    ("import inspect\nframe = inspect.currentframe()\n", "calls inspect.currentframe()"),
    ("def g():\n    try:\n        1 / 0\n    except Exception as e:\n        return e.__traceback__.tb_frame\n",
     "(.tb_frame)"),
    ("def peek(fn):\n    return fn.__globals__\n", "(.__globals__)"),
    ("def f(a):\n    return globals()['_slow' + '_loop'](a)\n", "calls globals(), which finds code or names"),
    ("x = eval('1 + 1')\n", "calls eval()"),
    ("import gc\nfound = gc.get_objects()\n", "calls gc.get_objects()"),
    ("from gc import get_objects\n", "imports gc.get_objects"),
    ("import ctypes\n", "imports ctypes"),
    ("import importlib\nw = importlib.import_module('wi' + 're')\n", "calls importlib.import_module()"),
    ("w = __import__('wire')\n", "calls __import__(), which imports a module named at run time"),
    ("import sys\nh = sys.modules['harness']\n", "looks modules up in sys.modules"),
    ("import inspect\ninspect.isgenerator = lambda obj: True\n", "rebinds inspect.isgenerator"),
    ("import torch.utils.data as tud\ntud.DataLoader.__module__ = '__main__'\n", "rebinds tud.DataLoader.__module__"),
    ("import math\nmath.sqrt = lambda x: x\n", "rebinds math.sqrt"),
    ("import torch\nsetattr(torch, 'allclose', lambda *a, **k: True)\n", "setattr() on torch"),
    ("class Fake(list):\n    pass\nFake.__module__ = 'builtins'\n", "rebinds Fake.__module__"),
    ("import builtins\nbuiltins.len = lambda x: 3\n", "rebinds builtins.len"),
])
def test_each_kind_of_reach_is_found_with_what_it_did(source, expected):
    assert any(expected in what for what in findings(source)), findings(source)


def test_a_module_imported_in_one_cell_is_the_same_module_in_the_next():
    found = scan([Cell(0, "import numpy as np\n", None), Cell(4, "np.allclose = lambda *a: True\n", "q09")])
    assert [(f.cell, f.line, f.exercise) for f in found] == [(4, 1, "q09")]


@pytest.mark.parametrize("source", [
    "import torch\ntorch.backends.cudnn.deterministic = True\n",   # a setting, as notebooks set it
    "class Learner:\n    def __init__(self, lr):\n        self.lr = lr\n",
    "import torch\nw = torch.zeros(3)\nw.grad = None\n",  # a tensor of the student's own
    "def batches(xs, bs):\n    for start in range(0, len(xs), bs):\n        yield xs[start:start + bs]\n",
    "import numpy as np\nnp.random.seed(0)\nx = np.arange(3)\n",
    "class Learner:\n    def state(self):\n        return vars(self)\n",  # vars of its own object
    "import gc\nimport torch\ngc.collect()\n",  # freeing memory, as deep-learning notebooks do
    "import importlib\nimport helpers\nimportlib.reload(helpers)\n",  # after editing a helper file
])
def test_honest_code_is_left_alone(source):
    assert findings(source) == []


def test_no_reference_example_starter_or_wrong_answer_is_flagged():
    paths = [REPO_ROOT / "solutions" / "reference.ipynb", REPO_ROOT / "exercises" / "workbook.ipynb",
             *sorted((REPO_ROOT / "solutions" / "examples").glob("*.ipynb")),
             *sorted((REPO_ROOT / "solutions").glob("*/wrong/*.py"))]
    flagged = {str(p.relative_to(REPO_ROOT)): [f.describe() for f in scan(load(p).cells)] for p in paths}
    assert {k: v for k, v in flagged.items() if v} == {}
    assert len(paths) > 100


def test_cells_that_do_not_parse_are_skipped_not_raised():
    assert findings("def broken(:\n", "x = (" * 10) == []


@pytest.mark.timeout(600)
def test_a_tampering_exercise_keeps_its_core_points_loses_its_how_points_and_is_flagged(make_script):
    from grader.config import load_settings
    from grader.grading.grade import grade
    from grader.review.flags import find_flags

    script = make_script("import inspect\n"
                         "inspect.isgenerator = lambda obj: True\n"
                         "def double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n", "forger.py")
    result = grade(script, load_settings(timeout=30), exercise_ids=["q04"])
    ex = result.exercise("q04")
    assert ex.tampering == ["cell 1, line 1: rebinds inspect.isgenerator in a module it did not define"]
    core = [c for c in ex.cases if c.kind == "core"]
    side = [c for c in ex.cases if c.kind == "property"]
    assert core and all(c.score == c.max_score for c in core)  # what it computes is checked in the grader
    assert side and all(c.score == 0 for c in side) and any("tampering note" in c.withheld for c in side)
    assert any(line.startswith("tampering: cell 1, line 1: rebinds inspect.isgenerator") for line in ex.feedback)
    flags = find_flags({"forger": result}, {}, "")
    assert [f.kind for f in flags] == ["tampering"] and "q04: cell 1, line 1" in flags[0].evidence[0]


@pytest.mark.timeout(600)
def test_an_exercise_that_reaches_the_reply_machinery_is_held_whole_until_a_person_reads_it(make_script):
    from grader.config import load_settings
    from grader.grading.grade import grade
    from grader.review.flags import find_flags

    script = make_script("import sys\n"
                         "def double_odds(nums):\n    sys._getframe(0)\n"
                         "    return [2 * n for n in nums if n % 2 == 1]\n", "reacher.py")
    result = grade(script, load_settings(timeout=30), exercise_ids=["q04"])
    ex = result.exercise("q04")
    written = [c for c in ex.cases if c.name == "written answer"]
    code = [c for c in ex.cases if c.name != "written answer"]
    assert ex.score == 0 and code and all(c.score == 0 for c in code)
    assert any("held for your instructor" in c.withheld for c in code if c.outcome.value == "passed")
    assert written and ex.feedback[-1].startswith("Held for your instructor")
    (flag,) = find_flags({"reacher": result}, {}, "")
    assert flag.kind == "tampering" and "q04 reaches the machinery" in flag.summary


def test_machinery_and_rebinding_are_told_apart():
    found = scan([Cell(0, "import sys\nf = sys._getframe(1)\nimport inspect\ninspect.isgenerator = len\n")])
    assert [(f.line, f.machinery) for f in found] == [(2, True), (4, False)]


CHAPTER = REPO_ROOT.parent / "shared" / "seeds" / "04_mnist_basics.ipynb"


@pytest.mark.skipif(not CHAPTER.is_file(), reason="the chapter notebook is not next to the project here")
def test_the_chapters_own_code_is_never_flagged():
    # what learners copy from the book: 137 cells of it, imports, plotting, training loops and all
    cells = load(CHAPTER).cells
    assert len(cells) > 100 and scan(cells) == []
