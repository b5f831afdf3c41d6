"""A second wall, read from the source: code that reaches for the machinery a verdict is made with.

The sandbox keeps student code away from the grading process, but what runs next to it inside the sandbox (the
worker's dispatch, the public harness functions, shared modules such as ``inspect`` or ``torch``) is within its
reach.  No honest answer to a chapter-4 exercise needs to walk interpreter frames, search the garbage collector,
look modules up in ``sys.modules``, or rebind attributes of modules and classes it did not define; code that
does is reported on the exercise it belongs to, with the line, and that exercise earns none of its "how" points
(the cases that judge *how* the answer works, which tampering could forge).

This is static and conservative on purpose: it reads the syntax tree of every cell (never runs anything), and
flags only constructs that have no place in this chapter's answers.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

# Attributes that lead from an object to interpreter frames, code and globals.
FRAME_ATTRIBUTES = {"f_back", "f_globals", "f_locals", "f_builtins", "f_code", "tb_frame", "tb_next", "gi_frame",
                    "cr_frame", "ag_frame", "__globals__", "__code__", "__closure__", "__builtins__"}
# Calls that hand out frames or every object alive.
FRAME_CALLS = {("sys", "_getframe"), ("inspect", "currentframe"), ("inspect", "stack"), ("inspect", "getouterframes"),
               ("inspect", "trace"), ("traceback", "walk_stack"), ("sys", "settrace"), ("sys", "setprofile"),
               ("gc", "get_objects"), ("gc", "get_referrers"), ("gc", "get_referents"), ("ctypes", "cast"),
               ("sys", "_current_frames"), ("threading", "settrace")}
# Builtins that find code or names at run time, past what reading the source can follow (globals()["_by" + "x"]).
DYNAMIC_LOOKUPS = {"globals", "vars", "eval", "exec", "compile", "__import__"}
# Modules with no honest use in a chapter answer: the sandbox's own, and raw memory access.  (``gc`` and
# ``importlib`` are imported by honest notebooks, ``gc.collect()`` to free memory, ``importlib.reload`` after
# editing a helper file: what gives objects away is their calls, below and in FRAME_CALLS.)
MODULES_REACHED = {"ctypes", "worker", "wire", "zygote", "walls", "harness", "_testcapi"}
HANDED_OUT = {"gc": {"get_objects", "get_referrers", "get_referents"}, "sys": {"_getframe", "_current_frames"},
              "inspect": {"currentframe", "stack", "getouterframes", "trace"}}
# Rebinding these on anything makes an object lie about what it is.
IDENTITY = {"__module__", "__class__", "__qualname__", "__name__", "__code__", "__dict__", "__bases__", "__mro__",
            "__defaults__", "__kwdefaults__", "__call__", "__eq__", "__hash__", "__instancecheck__"}


@dataclass(frozen=True)
class Finding:
    cell: int
    line: int
    exercise: str | None
    what: str
    # Reaches the machinery replies are made with (frames, the collector, sys.modules, the sandbox's own modules):
    # from there any reply can be forged, so nothing its exercise earned can be trusted, not only how it works.
    machinery: bool = False

    def describe(self) -> str:
        return f"cell {self.cell}, line {self.line}: {self.what}"


def scan(cells) -> list[Finding]:
    """Findings in every cell of a submission (objects with ``index``, ``source`` and ``exercise``)."""
    trees = []
    for cell in cells:
        try:
            trees.append((cell, ast.parse(cell.source)))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # a cell that does not parse runs as nothing: the notebook run reports it
    # The cells share one namespace: a module imported in one cell is the same module in the next.
    modules, defined = {}, set()
    for _cell, tree in trees:
        modules.update(_imported_modules(tree))
        defined |= _defined_names(tree)
    return [Finding(cell.index, line, cell.exercise, what, machinery) for cell, tree in trees
            for line, what, machinery in _in_tree(tree, modules, defined)]


def _in_tree(tree: ast.AST, modules: dict[str, str], defined: set[str]) -> list[tuple[int, str, bool]]:
    """(line, what was done, whether it reaches the machinery replies are made with) for every finding."""
    out: list[tuple[int, str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in FRAME_ATTRIBUTES:
            out.append((node.lineno, f"reaches into interpreter internals (.{node.attr})", True))
        elif isinstance(node, ast.Call):
            target = _dotted(node.func, modules)
            if target in FRAME_CALLS:
                out.append((node.lineno, f"calls {'.'.join(target)}(), which hands out frames or live objects", True))
            elif target in (("importlib", "import_module"), ("__import__",)) and "__import__" not in defined:
                out.append((node.lineno, f"calls {'.'.join(target)}(), which imports a module named at run time "
                                         "(the sandbox's own, perhaps)", True))
            elif target and len(target) == 1 and target[0] in DYNAMIC_LOOKUPS and target[0] not in defined \
                    and not (target[0] == "vars" and node.args):
                out.append((node.lineno, f"calls {target[0]}(), which finds code or names at run time, where "
                                         "reading the source cannot follow", False))
            elif target and target[-1] in ("setattr", "delattr") and len(target) == 1 and node.args:
                owner = node.args[0]
                if _is_foreign(owner, modules, defined) or _names_identity(node.args[1:2]):
                    out.append((node.lineno, f"{target[-1]}() on {ast.unparse(owner)[:40]}, which it did not define",
                                False))
        elif isinstance(node, ast.Subscript) and _dotted(node.value, modules) == ("sys", "modules"):
            out.append((node.lineno, "looks modules up in sys.modules", True))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                if name.split(".")[0] in MODULES_REACHED:
                    out.append((node.lineno, f"imports {name}", True))
            if isinstance(node, ast.ImportFrom) and (node.module or "") in HANDED_OUT:
                for alias in node.names:
                    if alias.name in HANDED_OUT[node.module] or alias.name == "*":
                        out.append((node.lineno, f"imports {node.module}.{alias.name}, which hands out frames or "
                                                 "live objects", True))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, ast.Attribute) and isinstance(part.ctx, (ast.Store, ast.Del)):
                        if part.attr in IDENTITY:
                            out.append((part.lineno, f"rebinds {ast.unparse(part)[:60]}", False))
                        elif _is_foreign(part.value, modules, defined):
                            out.append((part.lineno, f"rebinds {ast.unparse(part)[:60]} in a module it did not "
                                                     "define", False))
    return sorted(set(out))


def _imported_modules(tree: ast.AST) -> dict[str, str]:
    """Local name -> module it is bound to (``import torch.nn as nn`` binds nn to torch.nn)."""
    names = {"sys": "sys", "builtins": "builtins"}  # reachable without an import statement in a notebook
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _defined_names(tree: ast.AST) -> set[str]:
    """Names the student's own code binds with def, class or assignment."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
    return out


def _dotted(node: ast.AST, modules: dict[str, str]) -> tuple[str, ...] | None:
    """``a.b.c`` as ('a', 'b', 'c') with ``a`` resolved through imports; None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    root = modules.get(node.id, node.id).split(".")
    return tuple(root + list(reversed(parts)))


# Settings that notebooks legitimately set on library modules (reproducibility, printing).
SETTINGS = (("torch", "backends"), ("numpy", "set_printoptions"), ("pandas", "options"), ("matplotlib", "rcParams"))


def _is_foreign(node: ast.AST, modules: dict[str, str], defined: set[str]) -> bool:
    """An expression naming an imported module (or something reached through one) the student did not define,
    other than a library's own settings."""
    dotted = _dotted(node, modules)
    if dotted and any(dotted[:len(prefix)] == prefix for prefix in SETTINGS):
        return False
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id in modules and node.id not in defined


def _names_identity(args) -> bool:
    return bool(args) and isinstance(args[0], ast.Constant) and args[0].value in IDENTITY
