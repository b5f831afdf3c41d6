"""Turn what an instructor points ``grader grade`` at into one submission per student, safely.

Instructors pass whatever their LMS gave them: single notebooks, a folder of them, a folder of per-student
folders, or the bulk-download zip itself.  :func:`collect` flattens all of that into :class:`Entry` objects,
each with a student key that is safe as a folder name on every OS and unique within the collection, and never
raises for bad input: everything it skips or changes is a :class:`Problem` the instructor can read.

Zips come from students, so they are hostile input.  They are extracted by :mod:`grader.intake.unzip` under
``work_dir`` only, one member at a time, refusing paths that could land elsewhere (absolute, ``..``, drive
letters, backslashes), links, special files and encrypted members.  A member whose header admits to a bomb
is refused before a byte is written; every other member is held to :class:`ZipLimits` on the bytes it really
produces, since a header can lie.  A zip inside the submissions is reported, not extracted, so there is no
recursion to bound.

Symbolic links inside folders are skipped too: a folder unpacked with a tool that restores links could
otherwise point a "notebook" at a private file, whose text would end up in the student's report.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.intake.unzip import Problem, ZipLimits, extract, shown as _shown

NOTEBOOK_SUFFIXES = (".ipynb", ".py")
IGNORED_NAMES = {"__MACOSX", ".ipynb_checkpoints", "__pycache__"}
MAX_KEY = 80
STUDENT_DEPTH = 4  # how deep a notebook may sit inside one student's folder

UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                    *(f"LPT{i}" for i in range(1, 10))}
# Canvas: <name>_<userid>_<submissionid>_<original> and <name>_LATE_<userid>_<submissionid>_<original>.
CANVAS = re.compile(r"^(?P<name>[a-z]+)_(?:(?P<late>LATE)_)?(?P<uid>\d+)_(?P<sid>\d+)_(?P<original>.+)$")
# Moodle: a folder "John Smith_12345_assignsubmission_file_" holding the file, or the same prefix on the
# file name itself when the download was not split into folders.
MOODLE_DIR = re.compile(r"^(?P<name>.+?)_(?P<uid>\d+)_assignsubmission_[a-z]+_?$")
MOODLE_FILE = re.compile(r"^(?P<name>.+?)_(?P<uid>\d+)_assignsubmission_file_(?P<original>.+)$")


@dataclass(frozen=True)
class Entry:
    student: str      # stable key, safe as a folder name everywhere, unique case-insensitively
    path: Path        # the file to grade; for zip inputs, the extracted copy
    source: str       # where it came from, for humans: the path given, or "class.zip:member"
    name: str = ""    # the student's name when the input gives one
    lms_id: str = ""  # LMS user id when the name carries one
    late: bool = False
    # Who the submission is from, as steady across runs as the input allows: the LMS user id, else the student
    # folder's or the file's own name (not where the class was unpacked).  A gradebook keeps the key it gave each
    # origin, so a re-run gives a student the same key whatever else has arrived since.
    origin: str = field(default="", compare=False)

    @property
    def identity(self) -> str:
        return self.origin or f"key:{self.student}"


@dataclass
class Collected:
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Found:
    """A file to grade before its student key is settled (keys depend on everything else collected)."""
    path: Path
    source: str
    student: str
    name: str = ""
    lms_id: str = ""
    late: bool = False
    origin: str = ""


Label = Callable[[Path], str]


def collect(inputs: list[Path], work_dir: Path, limits: ZipLimits = ZipLimits(),
            known: dict[str, str] | None = None) -> Collected:
    """Everything gradable in ``inputs``, one entry per file, with every skip and change as a problem.

    Zips are extracted under ``work_dir/<zip stem>/`` (``-2``, ``-3``... when that folder exists already, so a
    rerun never mixes in files from an earlier one).  Entries are sorted by source.  *known* maps origins (see
    :attr:`Entry.origin`) to the keys an earlier run gave them: they keep those keys, and no new entry takes one.
    """
    found: list[_Found] = []
    problems: list[Problem] = []
    seen_inputs: set[Path] = set()
    for raw in inputs:
        path = Path(raw)
        source = _shown(str(path))
        if not path.exists():
            problems.append(Problem(source, "does not exist: skipped"))
            continue
        resolved = path.resolve()
        if resolved in seen_inputs:
            problems.append(Problem(source, "given more than once: collected once"))
            continue
        seen_inputs.add(resolved)
        before = (len(found), len(problems))
        if path.is_dir():
            _scan_folder(path, lambda p: _shown(str(p)), found, problems)
            if (len(found), len(problems)) == before:  # an input that yields nothing says so
                problems.append(Problem(source, "a folder with no .ipynb or .py file in it: nothing collected"))
        elif not path.is_file():
            problems.append(Problem(source, "not a regular file or folder: skipped"))
        elif path.suffix.lower() == ".zip":
            root = extract(path, source, Path(work_dir), limits, problems)
            if root is not None:
                _scan_folder(_unwrap(root), _zip_label(source, root), found, problems)
                if (len(found), len(problems)) == before:
                    problems.append(Problem(source, "a zip with no .ipynb or .py file in it: nothing collected"))
        elif path.suffix.lower() in NOTEBOOK_SUFFIXES:
            found.append(_from_file_name(path, source))
        else:
            problems.append(Problem(source, "not a notebook or .py file: skipped"))
    return Collected(_assign_students(_drop_same_files(found, problems), problems, known or {}), problems)


def safe_key(text: str) -> str:
    """``text`` as a folder name valid on every OS: ASCII letters, digits, ``._-``, no leading dot, <= 80."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    key = UNSAFE.sub("_", ascii_text).strip("._-")[:MAX_KEY].rstrip("._-")
    if not key:  # nothing ASCII survives (a name in another script): stable and distinct per name
        key = "student_" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    if key.split(".")[0].upper() in WINDOWS_RESERVED:
        key = "_" + key[:MAX_KEY - 1]
    return key


# ---------------------------------------------------------------------------------------------- folders

def _visible(folder: Path) -> list[Path]:
    try:
        children = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        return []
    return [c for c in children if not c.name.startswith(".") and c.name not in IGNORED_NAMES]


def _is_candidate(path: Path) -> bool:
    return path.suffix.lower() in NOTEBOOK_SUFFIXES


def _scan_folder(folder: Path, label: Label, found: list[_Found], problems: list[Problem]) -> None:
    """Files directly in ``folder`` are submissions; each subfolder is one student's folder."""
    for child in _visible(folder):
        if child.is_symlink():
            problems.append(Problem(label(child), "is a symbolic link: skipped"))
        elif child.is_dir():
            _student_folder(child, label, found, problems)
        elif not child.is_file():
            problems.append(Problem(label(child), "not a regular file or folder: skipped"))
        elif _is_candidate(child):
            found.append(_from_file_name(child, label(child)))
        elif child.suffix.lower() == ".zip":
            problems.append(Problem(label(child), "a zip inside the submissions is not extracted: skipped "
                                                  "(extract it, or give it to the grader on its own)"))
        else:
            problems.append(Problem(label(child), "not a notebook or .py file: skipped"))


def _student_folder(folder: Path, label: Label, found: list[_Found], problems: list[Problem]) -> None:
    """One student's folder: their single notebook (else single .py), the newest one when there are several."""
    files: list[Path] = []
    others: list[Path] = []
    _walk(folder, label, files, others, problems, STUDENT_DEPTH)
    notebooks = [f for f in files if f.suffix.lower() == ".ipynb"]
    scripts = [f for f in files if f.suffix.lower() == ".py"]
    pool, kind = (notebooks, "notebooks") if notebooks else (scripts, ".py files")
    source = label(folder)
    if not pool:
        seen = ", ".join(_rel(f, folder) for f in others[:5]) + (", ..." if len(others) > 5 else "")
        problems.append(Problem(source, "no .ipynb or .py file in this student's folder: skipped"
                                + (f" (found {seen})" if seen else " (it is empty)")))
        return
    chosen = max(pool, key=lambda f: (_mtime(f), _rel(f, folder)))
    if len(pool) > 1:
        ignored = ", ".join(repr(_rel(f, folder)) for f in sorted(pool) if f != chosen)
        problems.append(Problem(source, f"several {kind}: graded the most recently modified, "
                                        f"{_rel(chosen, folder)!r}; ignored {ignored}"))
    if notebooks and scripts:
        # A helper module next to the notebook is the likeliest cause of a ModuleNotFoundError: say why up front.
        names = ", ".join(repr(_rel(f, folder)) for f in sorted(scripts)[:5]) + (", ..." if len(scripts) > 5 else "")
        them = "it" if len(scripts) == 1 else "them"
        problems.append(Problem(source, f"{_rel(chosen, folder)!r} is graded on its own: its sandbox does not see "
                                        f"{names} beside it, so importing from {them} fails"))
    student, name, lms_id, origin = folder.name, "", "", f"folder:{folder.name}"
    moodle = MOODLE_DIR.match(folder.name)
    if moodle:
        student, name = moodle["name"], _shown(moodle["name"])
        lms_id, origin = moodle["uid"], f"moodle:{moodle['uid']}"
    found.append(_Found(chosen, label(chosen), student, name, lms_id, origin=origin))


def _walk(folder: Path, label: Label, files: list[Path], others: list[Path], problems: list[Problem],
          depth: int) -> None:
    for child in _visible(folder):
        if child.is_symlink():
            problems.append(Problem(label(child), "is a symbolic link: skipped"))
        elif child.is_dir():
            if depth > 1:
                _walk(child, label, files, others, problems, depth - 1)
        elif child.is_file() and _is_candidate(child):
            files.append(child)
        elif child.is_file():
            others.append(child)


def _rel(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _from_file_name(path: Path, source: str) -> _Found:
    """A loose file: its student comes from an LMS name pattern when it has one, else from its stem."""
    canvas = CANVAS.match(path.name)
    if canvas:  # a resubmission has another submission id and file name: the user id is who it is from
        return _Found(path, source, canvas["name"], canvas["name"], canvas["uid"], bool(canvas["late"]),
                      origin=f"canvas:{canvas['uid']}")
    moodle = MOODLE_FILE.match(path.name)
    if moodle:
        return _Found(path, source, moodle["name"], _shown(moodle["name"]), moodle["uid"],
                      origin=f"moodle:{moodle['uid']}")
    return _Found(path, source, path.stem, origin=f"file:{path.name}")


# ------------------------------------------------------------------------------------------ student keys

def _drop_same_files(found: list[_Found], problems: list[Problem]) -> list[_Found]:
    """A file reached twice (a folder and a file inside it both given) is graded once."""
    kept: dict[Path, _Found] = {}
    for item in sorted(found, key=lambda f: f.source):
        key = item.path.resolve()
        if key in kept and kept[key].source == item.source:
            problems.append(Problem(item.source, "reached through more than one input: collected once"))
        elif key in kept:
            problems.append(Problem(item.source, f"the same file as {kept[key].source}: collected once"))
        else:
            kept[key] = item
    return list(kept.values())


def _assign_students(found: list[_Found], problems: list[Problem], known: dict[str, str]) -> list[Entry]:
    """Safe, case-insensitively unique keys; two LMS students who share a name both get their id appended.

    An origin a gradebook already knows keeps its key; every other entry gets a key no known origin holds, so a
    student's key never moves to someone else (``alice.py`` graded alone, then next to ``Alice.py``: ``alice``
    stays ``alice.py``'s)."""
    found = sorted(found, key=lambda f: f.source)
    seen: set[str] = set()
    for item in found:  # two files from one origin in one run (a student's two files): the later ones by source
        if item.origin in seen:
            item.origin = f"{item.origin}@{item.source}"
        seen.add(item.origin)
    ids_by_key: dict[str, set[str]] = {}
    for item in found:
        if item.lms_id:
            ids_by_key.setdefault(safe_key(item.student).lower(), set()).add(item.lms_id)
    taken: dict[str, str] = {key.lower(): f"{origin}, graded in an earlier run"
                             for origin, key in known.items()}  # lowercased key -> who holds it
    keys: dict[int, str] = {}
    kept: set[str] = set()
    for n, item in enumerate(found):
        held = known.get(item.origin) or known.get(f"legacy:{item.source}")
        if held is not None and held.lower() not in kept:
            keys[n] = held
            kept.add(held.lower())
            taken[held.lower()] = item.source
    for n, item in enumerate(found):
        if n in keys:
            continue
        base = safe_key(item.student)
        if item.lms_id and len(ids_by_key.get(base.lower(), ())) > 1:
            base = safe_key(f"{base[:MAX_KEY - len(item.lms_id) - 1]}_{item.lms_id}")
        key, count = base, 2
        while key.lower() in taken:
            suffix = f"-{count}"
            key, count = base[:MAX_KEY - len(suffix)].rstrip("._-") + suffix, count + 1
        if key != base:
            problems.append(Problem(item.source, f"duplicate student id {base!r} (also "
                                                 f"{taken[base.lower()]}): graded as {key!r}"))
        taken[key.lower()] = item.source
        keys[n] = key
    return [Entry(keys[n], item.path, item.source, item.name, item.lms_id, item.late, item.origin)
            for n, item in enumerate(found)]


# ------------------------------------------------------------------------------------------------- zips

def _zip_label(zip_source: str, root: Path) -> Label:
    def label(path: Path) -> str:
        rel = _shown(path.relative_to(root).as_posix())
        return f"{zip_source}:{rel}" + ("/" if path.is_dir() and not path.is_symlink() else "")
    return label


def _unwrap(root: Path) -> Path:
    """Skip a single wrapping folder ("submissions/" zipped with everything inside) when it holds the class.

    A lone folder holding one notebook is a student's folder and stays; one holding several student folders
    or several notebooks is the wrapper a zip tool adds.
    """
    while True:
        children = _visible(root)
        if len(children) != 1 or not children[0].is_dir() or children[0].is_symlink():
            return root
        inner = _visible(children[0])
        if (sum(c.is_dir() for c in inner) < 2
                and sum(c.is_file() and _is_candidate(c) for c in inner) < 2):
            return root
        root = children[0]
