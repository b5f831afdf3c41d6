"""Static views of a student's code, for the checks of *how* an answer is written (loops, library calls,
autograd): the definition of a name and everything of the student's it reaches, read from the syntax tree and
never run.  Suites use them through :mod:`grader.judge.api`.
"""
from __future__ import annotations

import ast


def code_of(submission, name: str, depth: int = 4, alternatives: bool = True) -> list:
    """The top-level definition of *name* and of every top-level name it mentions, followed *depth* steps.

    What a "how is it written" check must look at: a loop moved into a helper, an alias (``relu = _mine``), a class
    whose ``__call__`` loops or an instance of one are all the student's code for *name*.  Static: nothing is run.
    The definition of *name* itself comes first (``None`` when it has none): the one bound in the sandbox when
    the submission can say (``submission.definitions``), then the last one written if that is another, so a
    conditional or repeated ``def`` cannot show one body to the check and run another.  Names defined nowhere at
    module level (``torch``, builtins, parameters) are simply not followed.  A check that *forbids* something
    (a loop, a library call) reads every alternative; one that *requires* something (a comprehension, a call to
    autograd) passes ``alternatives=False`` and reads only what runs."""
    def definitions(of: str) -> list:
        many = getattr(submission, "definitions", None)
        found = many(of) if many is not None else [submission.definition(of)]
        return found if alternatives else found[:1]

    found = definitions(name)
    seen, frontier = {name}, list(found)
    for _ in range(depth):
        following = []
        for node in frontier:
            for used in sorted(global_names(node) - seen):
                seen.add(used)
                for helper in definitions(used):
                    if helper is not None and all(helper is not f for f in found + following):
                        following.append(helper)
        found += following
        frontier = following
    return found


def global_names(node) -> set[str]:
    """Names a definition reads that it does not bind itself (its parameters, its locals, its loop variables,
    nested definitions): the ones that can only come from the module, where helpers live."""
    if node is None:
        return set()
    loaded, bound = set(), set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            (loaded if isinstance(n.ctx, ast.Load) else bound).add(n.id)
        elif isinstance(n, ast.arg):
            bound.add(n.arg)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not node:
            bound.add(n.name)
        elif isinstance(n, ast.alias):
            bound.add((n.asname or n.name).split(".")[0])
    return loaded - bound


def walk_code(nodes) -> list:
    """Every AST node of the definitions :func:`code_of` found."""
    return [n for node in nodes if node is not None for n in ast.walk(node)]


def find_in_code(nodes, test) -> tuple[str, ast.AST] | None:
    """The first node of the definitions :func:`code_of` found for which *test* is true, with the name of the
    definition it is in (so feedback can say "your helper _slow uses a for loop"), or ``None``."""
    for node in nodes:
        if node is None:
            continue
        for n in ast.walk(node):
            if test(n):
                return defined_name(node), n
    return None


def library_names(submission, name: str, names) -> set[str]:
    """Which of *names* (library functions a check forbids, e.g. torch's softmax) the code of *name* reaches as an
    attribute: ``F.softmax``, ``x.softmax(1)``, ``nn.CrossEntropyLoss()``, through helpers, aliases, lambdas and
    instances (:func:`code_of`).  An attribute of ``self`` or ``cls`` is the student's own method, whatever it is
    called, so it never counts."""
    names = set(names)
    found = set()
    for n in walk_code(code_of(submission, name)):
        if isinstance(n, ast.Attribute) and n.attr in names:
            if isinstance(n.value, ast.Name) and n.value.id in ("self", "cls"):
                continue
            found.add(n.attr)
    return found


AUTOGRAD_CALLS = {"backward", "grad", "vjp", "jvp", "jacobian", "hessian"}


def asks_autograd(nodes) -> bool:
    """Whether the code (the definitions :func:`code_of` found) really calls on autograd: ``x.backward()``,
    ``torch.autograd.grad(...)`` or one of ``torch.autograd.functional``'s (``autograd.functional.jacobian``).
    A variable or attribute that is merely *named* ``grad`` is not autograd at work."""
    for n in walk_code(nodes):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
            continue
        if n.func.attr == "backward":
            return True
        if n.func.attr in AUTOGRAD_CALLS and "autograd" in ast.unparse(n.func.value).split("."):
            return True
    return False


def defined_name(node) -> str:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    names = [n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)]
    return names[0] if names else "?"
