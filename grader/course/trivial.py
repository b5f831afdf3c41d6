"""Trivial answers: what a lazy student writes to collect points without doing the job.

For every exercise with a code part, each member of :data:`FAMILY` replaces every graded function (and every
method of every graded class) with a trivial body of the same signature: ``return None``, ``return []``,
``return 0``, the input unchanged, an object that claims to equal anything, a constant shaped like the right
answer (zeros or ones: a constant tensor of the right shape), or, for the exercises that train a model, the model
untrained and a constant prediction.  ``grader validate`` grades each member on the whole set at once, and every
exercise's code part must score 0 on each (``grader.course.validate.trivial_problems``).

The answers shaped like the right one call the reference solution on deep copies of the arguments, so the shape is
right while the caller's own objects are left alone.  The reference runs in a namespace of its own (it never sees
the trivial names) inside the trivial submission, which goes through the sandbox like any other.
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

from grader.catalog import Exercise

FAMILY = {
    "none": "returns None",
    "empty": "returns []",
    "zero": "returns 0",
    "input": "returns its first argument unchanged",
    "anything": "returns an object that claims to equal anything",
    "zeros": "returns zeros shaped like the right answer (a constant tensor or list)",
    "ones": "returns ones shaped like the right answer",
    "untrained": "trains nothing: returns the model untrained and predicts with it",
    "constant_prediction": "returns the model untrained and predicts one constant",
}
MODEL_MEMBERS = {"untrained": None, "constant_prediction": 0}  # only for the exercises that train a model
LITERAL = {"none": "None", "empty": "[]", "zero": "0", "anything": "_trivial.Anything()"}
CONSTANT = {"zeros": 0, "ones": 1}
NEVER_REPLACED = {"__init__", "__new__", "__init_subclass__", "__class_getitem__"}
KEPT_DECORATORS = {"staticmethod", "classmethod", "property"}  # what a method is; any other decorator is behaviour

# Runs first in every trivial submission: the helpers the trivial bodies call (standard library and torch only,
# as everything in the sandbox).
HELPERS = '''
import copy as _copy
import types as _types


class _trivial:
    class Anything:
        """Claims to equal anything."""
        def __eq__(self, other):
            return True
        def __ne__(self, other):
            return False
        def __hash__(self):
            return 0
        def __bool__(self):
            return True
        def __len__(self):
            return 0
        def __iter__(self):
            return iter(())
        def __getattr__(self, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return self
        def __call__(self, *args, **kwargs):
            return self
        def __repr__(self):
            return "Anything()"

    @staticmethod
    def reference(function, *args, **kwargs):
        """The reference's result on copies of the arguments (None where they cannot be copied)."""
        try:
            args, kwargs = _copy.deepcopy((args, kwargs))
            return function(*args, **kwargs)
        except Exception:
            return None

    @staticmethod
    def constant_like(value, c):
        import torch
        if isinstance(value, torch.Tensor):
            constant = torch.full_like(value.detach(), c)
            return constant.requires_grad_() if value.requires_grad else constant
        if isinstance(value, bool):
            return bool(c)
        if isinstance(value, (int, float)):
            return type(value)(c)
        if isinstance(value, str):
            return ""
        if isinstance(value, (list, tuple)):
            return type(value)(_trivial.constant_like(v, c) for v in value)
        if isinstance(value, dict):
            return {k: _trivial.constant_like(v, c) for k, v in value.items()}
        if isinstance(value, _types.GeneratorType):
            return (_trivial.constant_like(v, c) for v in value)
        return None

    @staticmethod
    def untrained(function, constant, *args, **kwargs):
        """A function given a model uses it as the reference does (or predicts *constant* shaped like that); one
        that returns a model returns it with its parameters drawn afresh, as before training; any other None."""
        import torch
        result = _trivial.reference(function, *args, **kwargs)
        if any(isinstance(a, torch.nn.Module) for a in list(args) + list(kwargs.values())):
            return result if constant is None else _trivial.constant_like(result, constant)
        if isinstance(result, torch.nn.Module):
            for layer in result.modules():
                if hasattr(layer, "reset_parameters"):
                    layer.reset_parameters()
            return result
        return None
'''


def _parameters(args: ast.arguments, method: bool) -> tuple[str, str | None, str]:
    """(the call that passes the parameters on, the first parameter students get, self's name or "")."""
    positional = [a.arg for a in args.posonlyargs + args.args]
    owner = positional.pop(0) if method and positional else ""
    parts = positional + ([f"*{args.vararg.arg}"] if args.vararg else [])
    parts += [f"{a.arg}={a.arg}" for a in args.kwonlyargs] + ([f"**{args.kwarg.arg}"] if args.kwarg else [])
    first = positional[0] if positional else (args.vararg.arg + "[0] if " + args.vararg.arg + " else None"
                                              if args.vararg else None)
    return ", ".join(parts), first, owner


def _body(member: str, reference: str, node: ast.FunctionDef, method: bool) -> str:
    """The one statement a trivial version of *node* runs; *reference* names the reference's callable."""
    call, first, owner = _parameters(node.args, method)
    if member in LITERAL:
        value = LITERAL[member]
    elif member == "input":
        value = first or "None"
    else:
        if owner:  # a method runs on a copy of its object, so the caller's object stays as it was
            call = ", ".join(p for p in (owner, call) if p)
        call = f", {call}" if call else ""
        if member in CONSTANT:
            value = f"_trivial.constant_like(_trivial.reference({reference}{call}), {CONSTANT[member]})"
        else:  # a method of a class that trains (a Learner, an optimiser) does nothing at all
            value = "None" if method else f"_trivial.untrained({reference}, {MODEL_MEMBERS[member]!r}{call})"
    if node.name == "__iter__" and member in ("empty", "anything"):
        value = f"iter({value})"
    return f"return {value}"


def _function(member: str, reference: str, node: ast.FunctionDef, method: bool, indent: str) -> str:
    kept = [ast.unparse(d) for d in node.decorator_list if ast.unparse(d) in KEPT_DECORATORS]
    decorators = "".join(f"{indent}@{d}\n" for d in kept)
    static = "staticmethod" in kept
    return (f"{decorators}{indent}def {node.name}({ast.unparse(node.args)}):\n"
            f"{indent}    {_body(member, reference, node, method and not static)}\n")


def _top_level(tree: ast.Module, name: str):
    found = None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            found = node
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            found = node
    return found


def applies(member: str, ex: Exercise) -> bool:
    return member not in MODEL_MEMBERS or ex.kind == "project"


def code_names(ex: Exercise) -> list[str]:
    """The graded names of the code part (the choice variable is scored on its own)."""
    return [n for n in ex.answer_names if not ex.choice or n != ex.choice["name"]]


def exercise_cell(member: str, ex: Exercise, solution: str) -> str:
    """The cell of one exercise in the trivial submission *member*."""
    tree = ast.parse(solution)
    space = f"_REFERENCE_{ex.id}"
    lines = [f"# exercise: {ex.id}", f"{space} = {{'__name__': 'reference_{ex.id}'}}",
             f"exec(compile({solution!r}, 'reference {ex.id}', 'exec'), {space})", ""]
    for name in code_names(ex):
        node = _top_level(tree, name)
        if isinstance(node, ast.FunctionDef):
            lines.append(_function(member, f"{space}[{name!r}]", node, method=False, indent=""))
        elif isinstance(node, ast.ClassDef):
            lines.append(f"class {name}({space}[{name!r}]):")
            methods = [n for n in node.body if isinstance(n, ast.FunctionDef) and n.name not in NEVER_REPLACED]
            for method in methods:
                lines.append(_function(member, f"{space}[{name!r}].{method.name}", method, method=True,
                                       indent="    "))
            if not methods:
                lines.append("    pass\n")
        else:  # a graded value, not a function: the trivial value itself
            lines.append(f"{name} = {LITERAL.get(member, 'None')}\n")
    return "\n".join(lines)


def submission_source(member: str, exercises: list[Exercise], solutions_dir: Path) -> str:
    """A ``.py`` submission answering every exercise in *exercises* with the trivial member *member*."""
    cells = [HELPERS.strip() + "\n"]
    for ex in exercises:
        cells.append(exercise_cell(member, ex, (solutions_dir / ex.id / "solution.py").read_text(encoding="utf-8")))
    return "\n# %%\n".join(cells)


def code_exercises(exercises: list[Exercise], solutions_dir: Path) -> list[Exercise]:
    """The exercises with a code part: a suite to run and graded names beyond a choice."""
    return [ex for ex in exercises if ex.has_code_tests(solutions_dir) and code_names(ex)
            and (solutions_dir / ex.id / "solution.py").is_file()]


def code_score(ex) -> tuple[float, list[str]]:
    """Points of an exercise result's suite cases and the names of those that scored (choice, written left out)."""
    scoring = [c for c in ex.cases if c.kind in ("core", "property") and c.score > 0]
    return sum(c.score for c in scoring), [c.name for c in scoring]


def trivial_results(settings, exercises: list[Exercise], folder: Path,
                    progress: Callable[[str], None] = lambda _: None,
                    members: list[str] | None = None) -> Iterator[tuple[str, object]]:
    """(member, graded result) for every member of :data:`FAMILY` (or of *members*), each graded on its exercises
    in one pass."""
    from grader.grading.grade import grade

    for member, what in FAMILY.items():
        if members is not None and member not in members:
            continue
        chosen = [ex for ex in code_exercises(exercises, settings.solutions_dir) if applies(member, ex)]
        if not chosen:
            continue
        progress(f"grading the trivial answer that {what} ...")
        path = folder / f"trivial_{member}.py"
        path.write_text(submission_source(member, chosen, settings.solutions_dir), encoding="utf-8")
        yield member, grade(path, settings, exercise_ids=[ex.id for ex in chosen])
