"""Where a name is defined in a submission, read statically: every module-level binding counts, inside `if`,
`try` and loops too, never inside a function or class; and the binding at a cell and line the sandbox names."""
from __future__ import annotations

from grader.intake.submission import Cell, Submission

TRICK = ("def f(a):\n    return a\n"
         "if True:\n    def f(a):\n        for x in a:\n            pass\n"
         "try:\n    g = 1\nexcept Exception:\n    g = 2\n"
         "def outer():\n    def f():\n        pass\n")


def submission(*sources) -> Submission:
    return Submission("t", "t.py", "", "py", cells=[Cell(i, s, "q04") for i, s in enumerate(sources)])


def test_the_last_module_level_binding_wins_wherever_the_block():
    sub = submission(TRICK)
    assert sub.definition("f").lineno == 4  # in the if block; the nested def in outer() is not module level
    assert sub.definition("g").lineno == 10  # the except branch, last in source
    assert submission("x = 1\n", "for _ in range(2):\n    x = 2\n").definition("x").lineno == 2


def test_the_binding_at_a_cell_and_line_is_found_decorators_included():
    sub = submission("import functools\n", "@functools.lru_cache\ndef f(a):\n    return a\n", TRICK)
    assert sub.definition_at(1, 1, "f").lineno == 2  # a decorated function's code starts at its decorator
    assert sub.definition_at(2, 1, "f").lineno == 1 and sub.definition_at(2, 5, "f").lineno == 4
    assert sub.definition_at(2, 12, "f") is None  # outer()'s own f is not a module-level binding
    assert sub.definition_at(9, 1, "f") is None
