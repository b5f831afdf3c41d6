"""One failed import explains a cascade: a notebook that starts with ``from fastai.vision.all import *`` on a
machine without fastai then misses ``torch``, ``nn`` and ``F`` in every exercise, and each of those NameErrors,
read alone, blames the wrong line.  This module finds the import cells that failed, the names the rest of the
grade missed, and says once, at the top, where they came from; each NameError it explains points there."""
from __future__ import annotations

import re

from grader.results import SubmissionResult

_NO_MODULE = re.compile(r"No module named '([^']+)'")
_NO_NAME = re.compile(r"name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")
# What the chapter's notebooks import these from, for the suggestion.
WHERE_FROM = {"torch": "import torch", "nn": "from torch import nn", "F": "import torch.nn.functional as F",
              "np": "import numpy as np", "tensor": "from torch import tensor",
              "plt": "import matplotlib.pyplot as plt"}


def failed_imports(cells) -> list[tuple[int, str]]:
    """(cell index, top-level module) for every cell that stopped on a module that is not installed."""
    found = []
    for report in sorted(cells, key=lambda r: r.index):
        error = report.error or {}
        if error.get("type") in ("ModuleNotFoundError", "ImportError"):
            match = _NO_MODULE.search(str(error.get("message", "")))
            if match:
                found.append((report.index, match.group(1).split(".")[0]))
    return found


def trace(result: SubmissionResult, cells) -> None:
    """Add the one note and point each NameError it explains at it (in place)."""
    imports = failed_imports(cells)
    if not imports:
        return
    missed: dict[str, None] = {}
    places = [c for ex in result.exercises for c in ex.cases]
    for text in [c.message or "" for c in places] + [line for ex in result.exercises for line in ex.feedback]:
        for name in _NO_NAME.findall(text):
            missed.setdefault(name, None)
    for report in cells:
        for name in _NO_NAME.findall(str((report.error or {}).get("message", ""))):
            missed.setdefault(name, None)
    first_cell, _ = imports[0]
    modules = ", ".join(dict.fromkeys(m for _, m in imports))
    where = ", ".join(f"cell {i}" for i, _ in imports)
    note = f"{where} imports {modules}, which is not available when graded, so everything after it ran without it"
    if missed:
        names = ", ".join(missed)
        fixes = "; ".join(dict.fromkeys(WHERE_FROM[n] for n in missed if n in WHERE_FROM))
        note += (f": the names your code then missed ({names}) most likely came from it. Import what you use "
                 f"directly{' (' + fixes + ')' if fixes else ''} instead of {modules}'s star import, and "
                 "resubmit")
    result.notes.insert(0, note)
    pointer = f" (see the first note: cell {first_cell}'s import of {imports[0][1]} failed)"
    for case in places:
        if case.message and _NO_NAME.search(case.message):
            case.message += pointer
    for ex in result.exercises:
        ex.feedback = [line + pointer if _NO_NAME.search(line) else line for line in ex.feedback]
