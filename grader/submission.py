"""Read a submission (.ipynb or .py) into cells the sandbox can run, as students actually write them.

Nothing here executes student code.  Loading never raises for bad student input: a file that cannot be read
becomes a :class:`Submission` with ``load_error`` set, so one broken notebook cannot stop a batch.

* Cells keep their order; each is attributed to an exercise by an explicit marker (cell metadata
  ``{"grader": {"exercise": "q04"}}``, a tag ``exercise:q04``, or a first-line comment ``# exercise: q04``) or,
  failing that, by the graded names it defines (a cell defining ``double_odds`` belongs to Q4).
* IPython magics and shell escapes (``%matplotlib``, ``!pip``) are replaced by ``pass`` and reported.
* A ``.py`` file splits at ``# %%`` markers, else at top-level statements, so one failing statement does not
  stop the definitions after it.
"""
from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ANSWER_MARKER = re.compile(r"^\s*(?:\*\*)?\s*your answer\s*\(\s*(q\d+|fr\d+)\s*\)\s*:?\s*(?:\*\*)?\s*:?\s*",
                           re.IGNORECASE)
PLACEHOLDER = "_Write your answer here (one to three sentences)._"
MARKER = re.compile(r"^\s*#\s*\|?\s*exercise\s*:\s*([A-Za-z0-9_]+)\s*$", re.IGNORECASE)
PERCENT = re.compile(r"^#\s*%%(.*)$")
LINE_MAGIC = re.compile(r"^(\s*)(?:([\w.\[\]'\", ]+?)\s*=\s*)?([!%].*)$")
HELP_SYNTAX = re.compile(r"^\s*[\w.]+\?\??\s*$")
RUNNABLE_CELL_MAGICS = {"time", "timeit", "capture"}
MAX_BYTES = 50 << 20  # a notebook larger than this is refused (outputs are dropped before this matters)


@dataclass
class Cell:
    index: int
    source: str
    exercise: str | None = None


@dataclass
class Submission:
    name: str
    path: str
    sha256: str
    format: str
    cells: list[Cell] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    load_error: str | None = None
    answers: dict[str, str] = field(default_factory=dict)  # written answers by exercise id (markdown cells)

    @property
    def source(self) -> str:
        return "\n\n".join(c.source for c in self.cells)

    def cells_for(self, exercise_id: str) -> list[Cell]:
        return [c for c in self.cells if c.exercise == exercise_id]

    def definition(self, name: str) -> ast.AST | None:
        """The last top-level ``def``/``class``/assignment of *name* in the submission (static, not run)."""
        found = None
        for cell in self.cells:
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in tree.body:
                if name in _defined_names(node):
                    found = node
        return found


def load(path: str | Path, exercise_names: dict[str, list[str]] | None = None,
         name: str | None = None) -> Submission:
    """Load *path*; *exercise_names* maps exercise id -> graded names, used to attribute unmarked cells."""
    path = Path(path)
    sub = Submission(name=name or path.stem, path=str(path), sha256="", format=path.suffix.lstrip(".").lower())
    try:
        if path.is_dir():
            raise _Bad(f"{path.name} is a folder, not a notebook or .py file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _Bad(f"the file is {size >> 20} MB; submissions over {MAX_BYTES >> 20} MB are refused "
                       "(clear the notebook's outputs and resubmit)")
        raw = path.read_bytes()
        sub.sha256 = hashlib.sha256(raw).hexdigest()
        if not raw.strip():
            raise _Bad("the file is empty")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Bad(f"the file is not UTF-8 text (bad byte at position {exc.start})") from None
        if sub.format == "ipynb":
            sources = _notebook_cells(text, sub.notes, sub.answers)
        elif sub.format == "py":
            sources = _script_cells(text, sub.answers)
        else:
            raise _Bad(f"unsupported file type {path.suffix or '(none)'!r}: submit a .ipynb or .py file")
    except _Bad as exc:
        sub.load_error = str(exc)
        return sub
    except OSError as exc:
        sub.load_error = f"the file could not be read: {exc.strerror or exc}"
        return sub
    owners = _owners(exercise_names or {})
    for index, (source, marked) in enumerate(sources):
        clean = neutralise(source, index, sub.notes)
        sub.cells.append(Cell(index, clean, marked or _infer_exercise(clean, owners)))
    return sub


class _Bad(Exception):
    pass


def answer_text(source: str, marked: str | None = None) -> tuple[str | None, str]:
    """(exercise id, answer) of a markdown answer cell, or (None, "") when the cell is not an answer."""
    lines = source.strip().splitlines()
    exercise = marked.lower() if marked else None
    if lines:
        match = ANSWER_MARKER.match(lines[0])
        if match:
            exercise = exercise or match.group(1).lower()
            if exercise and exercise[0] == "q" and exercise[1:].isdigit():
                exercise = f"q{int(exercise[1:]):02d}"
            lines[0] = lines[0][match.end():]
    if exercise is None:
        return None, ""
    body = "\n".join(line for line in lines if line.strip() != PLACEHOLDER).strip()
    return exercise, body


def _notebook_cells(text: str, notes: list[str], answers: dict[str, str]) -> list[tuple[str, str | None]]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _Bad(f"the notebook is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise _Bad("the notebook is not a JSON object")
    if not isinstance(data.get("cells"), list) and "worksheets" not in data:
        raise _Bad("the notebook has no 'cells' list")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many types for bad input
        raise _Bad(f"the notebook could not be read as nbformat 4: {exc.__class__.__name__}: "
                   f"{str(exc)[:200]}") from None
    language = (nb.metadata.get("kernelspec", {}) or {}).get("language") or \
        (nb.metadata.get("language_info", {}) or {}).get("name") or "python"
    if str(language).lower() != "python":
        notes.append(f"the notebook's kernel language is {language!r}; its cells were run as Python")
    cells = []
    for cell in nb.cells:
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        meta = cell.get("metadata", {}) or {}
        if cell.get("cell_type") == "markdown":
            grader_meta = meta.get("grader") if isinstance(meta.get("grader"), dict) else {}
            exercise, body = answer_text(str(source), grader_meta.get("answer"))
            if exercise:
                answers[exercise] = (answers.get(exercise, "") + "\n" + body).strip()
            continue
        if cell.get("cell_type") != "code":
            continue
        marked = (meta.get("grader", {}) or {}).get("exercise") if isinstance(meta.get("grader"), dict) else None
        for tag in meta.get("tags", []) or []:
            if isinstance(tag, str) and tag.startswith("exercise:"):
                marked = tag.split(":", 1)[1].strip()
        cells.append((str(source), marked or _marker(str(source))))
    return cells


def _script_cells(text: str, answers: dict[str, str]) -> list[tuple[str, str | None]]:
    lines = text.splitlines(keepends=True)
    if any(PERCENT.match(line) for line in lines):
        chunks, current, header = [], [], None
        for line in lines:
            match = PERCENT.match(line)
            if match:
                chunks.append((header, current))
                current, header = [], match.group(1)
                continue
            current.append(line)
        chunks.append((header, current))
        cells = []
        for header, body in chunks:
            source = "".join(body)
            if header is not None and "[markdown]" in header:
                marked = re.search(r"answer\s*:\s*(\w+)", header)
                text_md = "\n".join(re.sub(r"^#\s?", "", ln) for ln in source.splitlines())
                exercise, answer = answer_text(text_md, marked.group(1) if marked else None)
                if exercise:
                    answers[exercise] = answer
                continue
            if source.strip():
                cells.append((source, _marker("#" + (header or "")) or _marker(header or "") or _marker(source)))
        return cells
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return [(text, _marker(text))]
    cells, start = [], 0
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        if first - 1 > start and not "".join(lines[start:first - 1]).strip():
            start = first - 1
        chunk = "".join(lines[start:node.end_lineno])
        cells.append((chunk, _marker(chunk)))
        start = node.end_lineno
    return cells


def _marker(source: str) -> str | None:
    for line in source.splitlines()[:3]:
        match = MARKER.match(line)
        if match:
            return match.group(1).lower()
    return None


def neutralise(source: str, index: int, notes: list[str]) -> str:
    """Replace IPython-only syntax by ``pass`` so the cell is plain Python; say what was dropped."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split()[0] if lines[0].lstrip()[2:].split() else ""
        if magic in RUNNABLE_CELL_MAGICS:
            notes.append(f"cell {index}: '%%{magic}' was dropped and the cell body run as plain Python")
            lines = [""] + lines[1:]
        else:
            notes.append(f"cell {index}: the '%%{magic}' cell magic was not run (cell magics are neutralised "
                         "when grading)")
            return "pass\n"
    out = []
    continued = False
    for line in lines:
        match = LINE_MAGIC.match(line)
        if (match or HELP_SYNTAX.match(line)) and not continued:
            indent = match.group(1) if match else line[:len(line) - len(line.lstrip())]
            target = match.group(2) if match else None
            shown = line.strip()[:60]
            notes.append(f"cell {index}: '{shown}' was not run (IPython magics and shell commands are "
                         "neutralised when grading)")
            out.append(f"{indent}{target} = None" if target else f"{indent}pass")
        else:
            out.append(line)
        continued = line.rstrip().endswith("\\")
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")


def _defined_names(node: ast.AST) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    names = set()
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    for target in targets:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                names.add(sub.id)
    return names


def _owners(exercise_names: dict[str, list[str]]) -> dict[str, str]:
    return {name: ex for ex, names in exercise_names.items() for name in names}


def _infer_exercise(source: str, owners: dict[str, str]) -> str | None:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        for name in _defined_names(node):
            if name in owners:
                return owners[name]
    return None
