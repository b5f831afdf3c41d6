"""The class gradebook: an SQLite file (``DIR/gradebook.db``) that every result enters the moment it exists.

Why SQLite: one file an instructor can keep, copy and query; each submission's result goes in with one
transaction, so killing the batch (even with ``kill -9``) loses nothing already recorded, and the journal makes
a half-written result impossible.  Every grading is kept: regrading adds a row and marks it current, so the
history of a student's grade is never lost.  Exports (CSV, Canvas, Gradescope, JUnit, the dashboard) are all
read from here.

A grading is *current* for a submission when the submission's content hash and the grading key (suites,
grader version, limits, the student's overrides) match; such submissions are skipped on a re-run.

Each submission's origin (who it is from: an LMS user id, a student folder's or a file's name; see
``collect.Entry.origin``) keeps the student key it was first given (table ``keys``, unique whatever the case), so
a student's key, folder and gradebook row stay theirs however the class changes between runs.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from grader.results import SubmissionResult

SCHEMA_VERSION = "2"  # 2 added ``keys``; a schema-1 gradebook is upgraded in place (its students keep their keys)
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS students (
    student TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', lms_id TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '', late INTEGER NOT NULL DEFAULT 0, first_seen TEXT, last_seen TEXT);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, grader_version TEXT, grading_key TEXT,
    workers INTEGER, submissions INTEGER, graded INTEGER DEFAULT 0, skipped INTEGER DEFAULT 0,
    problems TEXT DEFAULT '[]');
CREATE TABLE IF NOT EXISTS gradings (
    id INTEGER PRIMARY KEY, student TEXT NOT NULL REFERENCES students(student), run_id INTEGER,
    sha256 TEXT NOT NULL, grading_key TEXT NOT NULL, grader_version TEXT, graded_at TEXT NOT NULL,
    score REAL, max_score REAL, outcome TEXT, seconds REAL, result TEXT NOT NULL, code TEXT NOT NULL DEFAULT '',
    current INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS gradings_by_student ON gradings (student, current);
CREATE TABLE IF NOT EXISTS keys (
    origin TEXT PRIMARY KEY, student TEXT NOT NULL UNIQUE COLLATE NOCASE, first_seen TEXT);
"""


class GradebookError(RuntimeError):
    """The gradebook file cannot be used (not SQLite, a newer schema, locked by another run)."""


@dataclass(frozen=True)
class Student:
    student: str
    name: str = ""
    lms_id: str = ""
    source: str = ""
    late: bool = False


@dataclass
class Grading:
    """One current grade, as exports need it."""

    student: Student
    result: SubmissionResult
    code: str
    graded_at: str
    grading_key: str


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Gradebook:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")  # a committed result survives a power cut, not only kill -9
            self.db.executescript(SCHEMA)
            found = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise GradebookError(f"{self.path} is not a gradebook this grader can use: {exc}") from None
        if found is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif found[0] == "1":
            self._upgrade_from_1()
        elif found[0] != SCHEMA_VERSION:
            raise GradebookError(f"{self.path} has gradebook schema {found[0]}; this grader reads "
                                 f"{SCHEMA_VERSION}. Use a new --out folder or a matching grader version.")

    def _upgrade_from_1(self) -> None:
        """Schema 1 had no ``keys``: each student's key is kept under its old source (``legacy:<source>``), which
        the first run of this version adopts for the submission that comes from there (see :meth:`keys`)."""
        with self._transaction():
            for student, source in self.db.execute("SELECT student, source FROM students").fetchall():
                self.db.execute("INSERT OR IGNORE INTO keys VALUES (?, ?, ?)", (f"legacy:{source}", student, _now()))
            self.db.execute("UPDATE meta SET value=? WHERE key='schema'", (SCHEMA_VERSION,))

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------------------------------ keys
    def keys(self) -> dict[str, str]:
        """Origin -> the student key it was given (``legacy:<source>`` for a key from a schema-1 gradebook, which
        ``collect`` hands to the submission from that source)."""
        return dict(self.db.execute("SELECT origin, student FROM keys").fetchall())

    def remember_keys(self, pairs) -> None:
        """Keep the key given to each origin, as (origin, key) pairs: an origin keeps the key it had, and a key
        held under a legacy source passes to the origin that now holds it."""
        with self._transaction():
            for origin, key in pairs:
                self.db.execute("DELETE FROM keys WHERE student=? AND origin LIKE 'legacy:%' AND origin<>?",
                                (key, origin))
                self.db.execute("INSERT OR IGNORE INTO keys VALUES (?, ?, ?)", (origin, key, _now()))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------------------------------------ runs
    def start_run(self, grader_version: str, grading_key: str, workers: int, submissions: int,
                  problems: list[str]) -> int:
        cur = self.db.execute(
            "INSERT INTO runs (started, grader_version, grading_key, workers, submissions, problems) "
            "VALUES (?, ?, ?, ?, ?, ?)", (_now(), grader_version, grading_key, workers, submissions,
                                          json.dumps(problems)))
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, graded: int, skipped: int) -> None:
        self.db.execute("UPDATE runs SET finished=?, graded=?, skipped=? WHERE id=?",
                        (_now(), graded, skipped, run_id))

    # ------------------------------------------------------------------------------------------ gradings
    def is_current(self, student: str, sha256: str, grading_key: str) -> bool:
        row = self.db.execute("SELECT 1 FROM gradings WHERE student=? AND current=1 AND sha256=? AND "
                              "grading_key=?", (student, sha256, grading_key)).fetchone()
        return row is not None

    def record(self, student: Student, result: SubmissionResult, *, sha256: str, grading_key: str,
               code: str = "", run_id: int | None = None) -> int:
        """Store one grading as the student's current one, in a single transaction."""
        data = json.dumps(result.to_dict(), ensure_ascii=False)
        now = _now()
        with self._transaction():
            self.db.execute(
                "INSERT INTO students (student, name, lms_id, source, late, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(student) DO UPDATE SET name=excluded.name, "
                "lms_id=excluded.lms_id, source=excluded.source, late=excluded.late, last_seen=excluded.last_seen",
                (student.student, student.name, student.lms_id, student.source, int(student.late), now, now))
            self.db.execute("UPDATE gradings SET current=0 WHERE student=? AND current=1", (student.student,))
            cur = self.db.execute(
                "INSERT INTO gradings (student, run_id, sha256, grading_key, grader_version, graded_at, score, "
                "max_score, outcome, seconds, result, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (student.student, run_id, sha256, grading_key, result.grader_version, now, result.score,
                 result.max_score, result.outcome.value, result.timings.get("total"), data, code))
        return int(cur.lastrowid)

    def current(self) -> list[Grading]:
        """Every student's current grading, in student order."""
        rows = self.db.execute(
            "SELECT s.student, s.name, s.lms_id, s.source, s.late, g.result, g.code, g.graded_at, g.grading_key "
            "FROM gradings g JOIN students s USING (student) WHERE g.current=1 ORDER BY s.student").fetchall()
        return [Grading(Student(r[0], r[1], r[2], r[3], bool(r[4])), SubmissionResult.from_dict(json.loads(r[5])),
                        r[6], r[7], r[8]) for r in rows]

    def history(self, student: str) -> list[dict]:
        """Every grading of one student, oldest first: when, which run, score, and whether it is current."""
        rows = self.db.execute("SELECT id, run_id, graded_at, sha256, grading_key, score, max_score, outcome, "
                               "current FROM gradings WHERE student=? ORDER BY id", (student,)).fetchall()
        keys = ["id", "run_id", "graded_at", "sha256", "grading_key", "score", "max_score", "outcome", "current"]
        return [dict(zip(keys, r)) for r in rows]

    def students(self) -> Iterator[Student]:
        for r in self.db.execute("SELECT student, name, lms_id, source, late FROM students ORDER BY student"):
            yield Student(r[0], r[1], r[2], r[3], bool(r[4]))

    def runs(self) -> list[dict]:
        cur = self.db.execute("SELECT * FROM runs ORDER BY id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def _transaction(self):
        db = self.db

        class _Tx:
            def __enter__(self):
                db.execute("BEGIN IMMEDIATE")

            def __exit__(self, kind, *rest):
                db.execute("COMMIT" if kind is None else "ROLLBACK")
        return _Tx()
