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
# The patterns below are applied to every line a student wrote, in the grading process, so none of them may
# backtrack super-linearly: no two adjacent parts can match the same run of characters (a long line of spaces
# would otherwise stall the batch).  A target before "= !cmd" therefore starts and ends with a non-space character.
MARKER = re.compile(r"^\s*#\s*(?:\|\s*)?exercise\s*:\s*([A-Za-z0-9_]+)\s*$", re.IGNORECASE)
PERCENT = re.compile(r"^#\s*%%(.*)$")
LINE_MAGIC = re.compile(r"^(\s*)(?:([\w.\[\]'\",](?:[\w.\[\]'\", ]*[\w.\[\]'\",])?)\s*=\s*)?([!%].*)$")
NEWLINE = re.compile(r"\r\n|\r|\n")  # what Python counts as a line break; str.splitlines also breaks at \x0c, \u2028...
HELP_SYNTAX = re.compile(r"^\s*[\w.]+\?\??\s*$")
RUNNABLE_CELL_MAGICS = {"time", "timeit", "capture"}
MAX_BYTES = 50 << 20  # a notebook larger than this is refused (outputs are dropped before this matters)
# Each code cell costs two events and a compile in the sandbox and a report in the grader; the workbook has 39.
MAX_CELLS = 2_000
# A written answer is one to three sentences; the rubric reads at most this much of one (the rest is noted).
MAX_ANSWER_CHARS = 20_000
NOTEBOOK_MAJOR = 4  # the newest nbformat major version nbformat can read; older ones are upgraded
BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


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
    # Each cell's syntax tree, parsed on first use: suites ask for definitions a dozen times per submission.
    _trees: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def source(self) -> str:
        return "\n\n".join(c.source for c in self.cells)

    def cells_for(self, exercise_id: str) -> list[Cell]:
        return [c for c in self.cells if c.exercise == exercise_id]

    def definition(self, name: str) -> ast.AST | None:
        """The last module-level ``def``/``class``/assignment of *name* in the submission (static, not run):
        at the top of a cell or inside its ``if``/``try``/``with``/loop blocks (``if True: def f(): ...`` binds
        ``f`` as surely as a plain ``def``), never inside a function or class body."""
        found = None
        for cell in self.cells:
            for node in self._bindings(cell, name):
                found = node
        return found

    def definition_at(self, cell_index: int, line: int, name: str) -> ast.AST | None:
        """The module-level binding of *name* in cell *cell_index* that spans *line*: where the sandbox says the
        function bound to *name* was defined."""
        cell = next((c for c in self.cells if c.index == cell_index), None)
        if cell is None:
            return None
        for node in self._bindings(cell, name):
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            if start <= line <= (node.end_lineno or node.lineno):
                return node
        return None

    def _bindings(self, cell: Cell, name: str) -> list[ast.AST]:
        # A cell that never spells the name cannot define it, so it need not be parsed (most cells, for most
        # names).  Python folds identifiers to NFKC, so a cell with other than ASCII in it is always parsed.
        if name not in cell.source and cell.source.isascii():
            return []
        if cell.index not in self._trees:
            self._trees[cell.index] = _parse(cell.source)
        tree = self._trees[cell.index]
        return [] if tree is None else [node for node in _module_level(tree.body) if name in _defined_names(node)]


def _module_level(body: list[ast.stmt]):
    """Module-level statements in source order, descending into compound statements that do not open a scope."""
    for node in body:
        yield node
        if isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
            yield from _module_level(node.body)
            yield from _module_level(getattr(node, "orelse", []))
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            for block in (node.body, *[h.body for h in node.handlers], node.orelse, node.finalbody):
                yield from _module_level(block)
        elif type(node).__name__ == "Match":
            for case in node.cases:
                yield from _module_level(case.body)


def load(path: str | Path, exercise_names: dict[str, list[str]] | None = None,
         name: str | None = None) -> Submission:
    """Load *path*; *exercise_names* maps exercise id -> graded names, used to attribute unmarked cells."""
    path = Path(path)
    sub = Submission(name=name or path.stem, path=str(path), sha256="", format=path.suffix.lstrip(".").lower())
    try:
        if path.is_dir():
            raise _Unreadable(f"{path.name} is a folder, not a notebook or .py file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _Unreadable(f"the file is {size >> 20} MB; submissions over {MAX_BYTES >> 20} MB are refused "
                       "(clear the notebook's outputs and resubmit)")
        raw = path.read_bytes()
        sub.sha256 = hashlib.sha256(raw).hexdigest()
        if not raw.strip():
            raise _Unreadable("the file is empty")
        for bom, encoding in BOMS.items():  # UTF-32 first: its little-endian mark starts like UTF-16's
            if raw.startswith(bom):
                raise _Unreadable(f"the file is {encoding} text, not UTF-8 (save it as UTF-8 and resubmit)")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Unreadable(f"the file is not UTF-8 text (bad byte at position {exc.start})") from None
        text = text.removeprefix("\ufeff")  # a UTF-8 byte order mark, as some Windows editors write
        parts: dict[str, list[str]] = {}
        if sub.format == "ipynb":
            sources = _notebook_cells(text, sub.notes, parts)
        elif sub.format == "py":
            sources = _script_cells(text, parts, sub.notes)
        else:
            raise _Unreadable(f"unsupported file type {path.suffix or '(none)'!r}: submit a .ipynb or .py file")
        if len(sources) > MAX_CELLS:
            raise _Unreadable(f"the {'notebook' if sub.format == 'ipynb' else 'file'} has {len(sources):,} code "
                              f"cells; a submission may have at most {MAX_CELLS:,} (the workbook has 39): merge or "
                              "delete scratch cells and resubmit")
        sub.answers.update(_joined_answers(parts, sub.notes))
    except _Unreadable as exc:
        sub.load_error = " ".join(str(exc).split())  # one line, whatever a library's message looked like
        return sub
    except OSError as exc:
        sub.load_error = " ".join(f"the file could not be read: {exc.strerror or exc}".split())
        return sub
    owners = _owners(exercise_names or {})
    for index, (source, marked) in enumerate(sources):
        clean = neutralise(source, index, sub.notes)
        sub.cells.append(Cell(index, clean, marked or _infer_exercise(clean, owners)))
    return sub


class _Unreadable(Exception):
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


def _joined_answers(parts: dict[str, list[str]], notes: list[str]) -> dict[str, str]:
    """Each exercise's answer cells as one text, in order, joined once (appending cell by cell copied the text so
    far for every cell: 72,000 answer cells took a minute), and cut to :data:`MAX_ANSWER_CHARS`."""
    answers = {}
    for exercise, bodies in parts.items():
        text = "\n".join(body for body in bodies if body).strip()
        if len(text) > MAX_ANSWER_CHARS:
            cells = f" in {len(bodies):,} cells" if len(bodies) > 1 else ""
            notes.append(f"the written answer for {exercise} is {len(text):,} characters long{cells}; only its first "
                         f"{MAX_ANSWER_CHARS:,} were scored")
            text = text[:MAX_ANSWER_CHARS]
        answers[exercise] = text
    return answers


def _notebook_cells(text: str, notes: list[str], answers: dict[str, list[str]]) -> list[tuple[str, str | None]]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _Unreadable(f"the notebook is not valid JSON ({exc})") from None
    except RecursionError:
        raise _Unreadable("the notebook is not valid JSON (its lists or objects are nested too deeply to read)") from None
    if not isinstance(data, dict):
        raise _Unreadable("the notebook is not a JSON object")
    if not isinstance(data.get("cells"), list) and "worksheets" not in data:
        raise _Unreadable("the notebook has no 'cells' list")
    for index, cell in enumerate(data["cells"] if isinstance(data.get("cells"), list) else []):
        if not isinstance(cell, dict):
            raise _Unreadable(f"cell {index} of the notebook is not a JSON object (it is {_json_type(cell)})")
    for key in ("nbformat", "nbformat_minor"):
        version = data.get(key, 0)
        if isinstance(version, bool) or not isinstance(version, int):
            raise _Unreadable(f"the notebook's {key!r} version is {_short(version)}, not a whole number")
    major = data.get("nbformat", NOTEBOOK_MAJOR)
    if major > NOTEBOOK_MAJOR:
        raise _Unreadable(f"the notebook is nbformat {major}, newer than this grader reads (nbformat {NOTEBOOK_MAJOR} "
                   f"and older): save it as nbformat {NOTEBOOK_MAJOR} and resubmit")
    if major == NOTEBOOK_MAJOR and "nbformat" in data:
        nb = data  # nbformat would parse it again and validate every cell (a few seconds for 72,000), to log only
    else:
        try:
            nb = nbformat.reads(text, as_version=4)
        except Exception as exc:  # noqa: BLE001 - nbformat raises many types for bad input
            raise _Unreadable(f"the notebook could not be read as nbformat 4: {exc.__class__.__name__}: "
                       f"{str(exc)[:200].strip() or 'nbformat gave no reason'}") from None
    # nbformat only logs a notebook that fails its schema, so below every field may still have any JSON type.
    metadata = _dict(nb.get("metadata"))
    language = _dict(metadata.get("kernelspec")).get("language") or \
        _dict(metadata.get("language_info")).get("name") or "python"
    if not isinstance(language, str) or language.lower() != "python":
        notes.append(f"the notebook's kernel language is {_short(language)}; its cells were run as Python")
    found = nb.get("cells")
    if not isinstance(found, list):
        raise _Unreadable("the notebook has no 'cells' list")
    cells = []
    for cell in found:
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(part for part in source if isinstance(part, str))
        source = source if isinstance(source, str) else ""
        meta = _dict(cell.get("metadata"))
        grader_meta = _dict(meta.get("grader"))
        if cell.get("cell_type") == "markdown":
            exercise, body = answer_text(source, _text(grader_meta.get("answer")))
            if exercise:
                answers.setdefault(exercise, []).append(body)
            continue
        if cell.get("cell_type") != "code":
            continue
        marked = _text(grader_meta.get("exercise"))
        tags = meta.get("tags")
        for tag in tags if isinstance(tags, list) else []:
            if isinstance(tag, str) and tag.startswith("exercise:"):
                marked = tag.split(":", 1)[1].strip()
        cells.append((source, (marked.strip().lower() or None) if marked else _marker(source)))
    return cells


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _short(value) -> str:
    """A JSON value from the student's file as a message shows it: scalars quoted and cut short, else its kind."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return _json_type(value)
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _json_type(value) -> str:
    names = {type(None): "null", bool: "true or false", int: "a number", float: "a number", str: "a string",
             list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def _lines(text: str, limit: int | None = None) -> list[str]:
    """*text* split where Python breaks lines (``\\n``, ``\\r\\n``, ``\\r``), each line keeping its ending.

    With *limit*, only the first *limit* lines.
    """
    lines, start = [], 0
    for match in NEWLINE.finditer(text):
        if limit is not None and len(lines) >= limit:
            return lines
        lines.append(text[start:match.end()])
        start = match.end()
    if start < len(text) and (limit is None or len(lines) < limit):
        lines.append(text[start:])
    return lines


def _parse(source: str) -> ast.Module | None:
    """The syntax tree of *source*, or None when Python cannot parse it (bad syntax, NUL bytes, too deep)."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _script_cells(text: str, answers: dict[str, list[str]], notes: list[str]) -> list[tuple[str, str | None]]:
    lines = _lines(text)  # as Python numbers them, so the syntax tree's line numbers index this list
    if any(PERCENT.match(line.rstrip("\r\n")) for line in lines):
        chunks, current, header = [], [], None
        for line in lines:
            match = PERCENT.match(line.rstrip("\r\n"))
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
                    answers[exercise] = [answer]  # the last such cell is the answer
                continue
            if source.strip():
                cells.append((source, _marker("#" + (header or "")) or _marker(header or "") or _marker(source)))
        return cells
    tree = _parse(text)
    if tree is None:
        return [(text, _marker(text))]
    body = tree.body
    # One cell per statement, so that one failing statement does not stop the definitions after it; a file of
    # more statements than a submission may have cells runs them in groups of consecutive statements instead.
    size = max(1, -(-len(body) // MAX_CELLS))
    if size > 1:
        notes.append(f"the file has {len(body):,} top-level statements; they were run as {-(-len(body) // size):,} "
                     f"cells of up to {size} statements each (a failing statement stops the rest of its cell)")
    cells, start = [], 0
    for at in range(0, len(body), size):
        node, last = body[at], body[min(at + size, len(body)) - 1]
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        if first - 1 > start and _blank(lines, start, first - 1):
            start = first - 1
        chunk = "".join(lines[start:last.end_lineno])
        cells.append((chunk, _marker(chunk)))
        start = last.end_lineno
    return cells


def _blank(lines: list[str], start: int, end: int) -> bool:
    return all(not line.strip() for line in lines[start:end])


def _marker(source: str) -> str | None:
    for line in _lines(source, 3):
        match = MARKER.match(line.rstrip("\r\n"))
        if match:
            return match.group(1).lower()
    return None


def neutralise(source: str, index: int, notes: list[str]) -> str:
    """Replace IPython-only syntax by ``pass`` so the cell is plain Python; say what was dropped.

    Lines are split where Python splits them and keep their endings, so a cell with no magic comes back unchanged
    (a ``\\u2028`` or form feed inside a string or a comment stays where it was).
    """
    lines = _lines(source)
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split()[0] if lines[0].lstrip()[2:].split() else ""
        if magic in RUNNABLE_CELL_MAGICS:
            notes.append(f"cell {index}: '%%{magic}' was dropped and the cell body run as plain Python")
            lines = [lines[0][len(lines[0].rstrip("\r\n")):] or "\n"] + lines[1:]
        else:
            notes.append(f"cell {index}: the '%%{magic}' cell magic was not run (cell magics are neutralised "
                         "when grading)")
            return "pass\n"
    out = []
    continued = False
    for line in lines:
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        match = LINE_MAGIC.match(body)
        if (match or HELP_SYNTAX.match(body)) and not continued:
            indent = match.group(1) if match else body[:len(body) - len(body.lstrip())]
            target = match.group(2) if match else None
            shown = body.strip()[:60]
            notes.append(f"cell {index}: '{shown}' was not run (IPython magics and shell commands are "
                         "neutralised when grading)")
            out.append((f"{indent}{target} = None" if target else f"{indent}pass") + ending)
        else:
            out.append(line)
        continued = body.rstrip().endswith("\\")
    return "".join(out)


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
    tree = _parse(source) if owners else None
    if tree is None:
        return None
    for node in tree.body:
        for name in _defined_names(node):
            if name in owners:
                return owners[name]
    return None
