"""What a "how is it written" check reads: the student's definition and the module-level helpers it reaches."""
from __future__ import annotations

import ast

from grader.intake.submission import Cell, Submission
from grader.judge.static import code_of, find_in_code, global_names


def submission_of(*sources) -> Submission:
    return Submission("t", "t.py", "", "py", cells=[Cell(i, s, "q08") for i, s in enumerate(sources)])


def names(nodes):
    return [getattr(n, "name", None) or ast.unparse(n).split("=")[0].strip() for n in nodes]


def loops(nodes):
    return find_in_code(nodes, lambda n: isinstance(n, (ast.For, ast.While)))


def test_a_loop_in_a_helper_two_steps_away_is_found_and_named():
    sub = submission_of("def _inner(x):\n    for v in x:\n        pass\n",
                        "def _outer(x):\n    return _inner(x)\n",
                        "def f(a, b):\n    return _outer(a - b)\n")
    code = code_of(sub, "f")
    assert names(code) == ["f", "_outer", "_inner"]
    assert loops(code)[0] == "_inner"


def test_an_alias_and_a_class_instance_are_followed():
    sub = submission_of("class Slow:\n    def __call__(self, a, b):\n        while True:\n            break\n",
                        "_slow = Slow()\n", "f = _slow\n")
    code = code_of(sub, "f")
    assert names(code) == ["f", "_slow", "Slow"]
    assert loops(code)[0] == "Slow"


def test_parameters_and_locals_are_not_mistaken_for_module_variables():
    # a notebook often has a top-level `a` built with a comprehension; the function's own `a` is another thing
    sub = submission_of("a = [x for x in range(3)]\nout = 0\n",
                        "def f(a, b):\n    out = (a - b) ** 2\n    return out.mean((-1, -2)).sqrt()\n")
    assert names(code_of(sub, "f")) == ["f"]
    assert global_names(sub.definition("f")) == set()


def test_imports_and_builtins_are_not_followed_and_a_missing_definition_is_none():
    sub = submission_of("import torch\n", "def f(a):\n    return torch.stack(list(map(abs, a)))\n")
    assert global_names(sub.definition("f")) == {"torch", "list", "map", "abs"}
    assert names(code_of(sub, "f")) == ["f"]  # an import is not a definition the check reads
    assert code_of(sub, "g") == [None]


def test_recursion_and_mutual_references_end():
    sub = submission_of("def f(x):\n    return g(x)\n", "def g(x):\n    return f(x) if x else 0\n")
    assert names(code_of(sub, "f")) == ["f", "g"]
