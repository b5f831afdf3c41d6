"""The instructor's decisions, regrade requests and late-work records, kept in ``gradebook.db`` beside the grades.

Everything an instructor decides after a batch is a row here, written in its own transaction the moment it is
made: who (the OS user), when, the target (an exercise, or one case of it), the score it had before, the new
score, the computed score the instructor saw, and the comment.  Rows are only ever added, so the history of
every target is complete and two browser tabs saving at once both land (the later one is told it followed
another).  The latest row for a target is the one in effect; a ``clear`` row hands the target back to the
computed score.

Grades themselves stay as computed (``gradings``, :mod:`grader.grading.store`): the decisions are applied on top
by :func:`grader.review.overrides.apply` and the late penalty by :func:`grader.review.late.apply`, in
:func:`Decisions.finalise`, which every export, report and the desk read through.  So a regrade (``grader grade
... --force``) keeps every decision, and where the computed score under a decision changed, the result says so.

The tables are this module's own, added to the gradebook by :func:`migrate` with their own schema version in
``meta`` (``review_schema``): ``decisions``, ``regrade_requests``, ``late_extensions``, ``submission_times``, and
the late policy last applied (``meta.late_policy``).
"""
from __future__ import annotations

import csv
import datetime as dt
import getpass
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.grading.store import Gradebook, GradebookError, Grading
from grader.results import SubmissionResult
from grader.review import late as late_mod
from grader.review.overrides import EPSILON, Override, apply as apply_overrides, exercise_id

SCHEMA_KEY = "review_schema"
SCHEMA_VERSION = 1
TABLES = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY, student TEXT NOT NULL, exercise TEXT NOT NULL, target TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL, score REAL, old REAL, computed REAL, comment TEXT NOT NULL DEFAULT '',
    who TEXT NOT NULL, at TEXT NOT NULL, source TEXT NOT NULL DEFAULT 'desk', grading_id INTEGER,
    request_id INTEGER);
CREATE INDEX IF NOT EXISTS decisions_by_target ON decisions (student, exercise, target, id);
CREATE TABLE IF NOT EXISTS regrade_requests (
    id INTEGER PRIMARY KEY, student TEXT NOT NULL, exercise TEXT NOT NULL, reason TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '', received TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open',
    reply TEXT NOT NULL DEFAULT '', answered_by TEXT, answered_at TEXT, decision_id INTEGER);
CREATE TABLE IF NOT EXISTS late_extensions (
    student TEXT PRIMARY KEY, due TEXT NOT NULL, source TEXT NOT NULL DEFAULT '', imported TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submission_times (
    student TEXT PRIMARY KEY, submitted_at TEXT NOT NULL, source TEXT NOT NULL DEFAULT '', imported TEXT NOT NULL);
"""
ACTIONS = ("score", "accept", "clear")
ANSWERS = ("kept", "changed")


class DecisionError(ValueError):
    """A decision that cannot be made (an unknown student, exercise or case, a score out of range)."""


def who_am_i() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in the environment or the password database
        return "unknown"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


class _Tx:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``: one writer at a time, the others wait (the connection's timeout)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, *rest):
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def migrate(db: sqlite3.Connection) -> None:
    """Add this module's tables to a gradebook (once), and refuse one written by a newer grader."""
    found = db.execute("SELECT value FROM meta WHERE key=?", (SCHEMA_KEY,)).fetchone()
    if found is not None and int(found[0]) == SCHEMA_VERSION:
        return
    if found is not None and int(found[0]) > SCHEMA_VERSION:
        raise GradebookError(f"the gradebook's review tables are version {found[0]}; this grader reads "
                             f"{SCHEMA_VERSION}: use a newer grader")
    with _Tx(db):
        for statement in filter(str.strip, TABLES.split(";")):
            db.execute(statement)
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (SCHEMA_KEY, str(SCHEMA_VERSION)))


@dataclass
class Imported:
    """What an import did: rows taken, rows already there, and problems naming their line."""

    added: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class Decided:
    id: int
    student: str
    exercise: str
    case: str
    action: str
    score: float | None  # the score in effect now (None: the computed one)
    old: float | None  # the score in effect before
    computed: float | None
    conflict: bool = False  # the caller saw another score than the one in effect: another tab decided first

    def to_dict(self) -> dict:
        return dict(self.__dict__)


class Decisions:
    """The decision store of one gradebook.  Each method that writes is one transaction."""

    def __init__(self, book: Gradebook):
        self.book = book
        self.db = book.db
        migrate(self.db)

    # ------------------------------------------------------------------------------------------ students
    def computed(self, student: str) -> tuple[Grading, SubmissionResult] | None:
        """The student's current grading as computed (no decision applied), or None if not graded."""
        row = self.db.execute("SELECT id, result FROM gradings WHERE student=? AND current=1", (student,)).fetchone()
        if row is None:
            return None
        return row[0], SubmissionResult.from_dict(json.loads(row[1]))

    def resolve(self, who: str) -> str | None:
        """The gradebook's key for *who*: the key itself, the LMS id, or the name (when only one student has it)."""
        who = who.strip()
        if not who:
            return None
        for column in ("student", "lms_id"):
            rows = self.db.execute(f"SELECT student FROM students WHERE {column}=?", (who,)).fetchall()
            if len(rows) == 1:
                return rows[0][0]
        rows = self.db.execute("SELECT student FROM students WHERE lower(name)=lower(?) OR lower(student)=lower(?)",
                               (who, who)).fetchall()
        return rows[0][0] if len(rows) == 1 else None

    # ------------------------------------------------------------------------------------------ decisions
    def decide(self, student: str, exercise: str, score: float | None = None, *, case: str = "",
               action: str = "score", comment: str = "", source: str = "desk", who: str | None = None,
               seen: float | None = None, request_id: int | None = None) -> Decided:
        """Record one decision on *student*'s *exercise* (or one *case* of it) in its own transaction.

        ``action``: ``score`` sets *score*; ``accept`` confirms the computed score (the rubric's provisional
        one); ``clear`` hands the target back to the computed score.  *seen* is the score the caller showed the
        instructor: when another decision came first, the new one is still recorded, after it, with ``conflict``.
        """
        with _Tx(self.db):
            return self._decide(student, exercise, score, case=case, action=action, comment=comment, source=source,
                                who=who, seen=seen, request_id=request_id)

    def _decide(self, student, exercise, score, *, case, action, comment, source, who, seen, request_id,
                strict=True) -> Decided:
        if action not in ACTIONS:
            raise DecisionError(f"action {action!r} is not one of {', '.join(ACTIONS)}")
        exercise = exercise_id(exercise)
        found = self.computed(student)
        computed = maximum = None
        grading_id = None
        if found is not None:
            grading_id, result = found
            try:
                ex = result.exercise(exercise)
            except KeyError:
                raise DecisionError(f"{student} has no exercise {exercise} in the gradebook") from None
            if case:
                target = next((c for c in ex.cases if c.name == case), None)
                if target is None:
                    raise DecisionError(f"{student} / {exercise} has no case {case!r}")
                computed, maximum = target.score, target.max_score
            else:
                computed, maximum = ex.score, ex.max_score
        elif strict:
            raise DecisionError(f"no graded submission for {student!r} in the gradebook")
        if action == "accept":
            if computed is None:
                raise DecisionError("there is no computed score to accept")
            score = computed
        elif action == "clear":
            score = None
        else:
            if score is None:
                raise DecisionError("a score is needed")
            score = float(score)
            if score != score or score < 0:
                raise DecisionError(f"score {score:g} must be a number of points, not negative")
            if maximum is not None and score > maximum + EPSILON:
                raise DecisionError(f"{score:g} is more than the {maximum:g} points of {exercise}"
                                    f"{' / ' + case if case else ''}")
        last = self.db.execute("SELECT score FROM decisions WHERE student=? AND exercise=? AND target=? "
                               "ORDER BY id DESC LIMIT 1", (student, exercise, case)).fetchone()
        old = computed if last is None or last[0] is None else last[0]
        conflict = seen is not None and old is not None and abs(float(seen) - old) > EPSILON
        cur = self.db.execute(
            "INSERT INTO decisions (student, exercise, target, action, score, old, computed, comment, who, at, "
            "source, grading_id, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (student, exercise, case, action, score, old, computed, comment.strip(), who or who_am_i(), _now(),
             source, grading_id, request_id))
        return Decided(int(cur.lastrowid), student, exercise, case, action,
                       computed if score is None else score, old, computed, conflict)

    def in_effect(self) -> dict[tuple[str, str, str], Override]:
        """The latest decision of every target that has one (``clear`` ones hand it back: left out)."""
        rows = self.db.execute(
            "SELECT d.id, d.student, d.exercise, d.target, d.action, d.score, d.computed, d.comment, d.who, d.at, "
            "d.source FROM decisions d JOIN (SELECT MAX(id) AS id FROM decisions GROUP BY student, exercise, target)"
            " latest ON latest.id = d.id").fetchall()
        out = {}
        for r in rows:
            if r[4] == "clear" or r[5] is None:
                continue
            out[(r[1], r[2], r[3])] = Override(r[5], r[7], 0, r[8], r[9], r[10], r[6], r[4] == "accept", r[0])
        return out

    def decided_students(self) -> set[str]:
        """Every student with a decision in the history (one handed back to the computed score included)."""
        return {r[0] for r in self.db.execute("SELECT DISTINCT student FROM decisions")}

    def history(self, student: str | None = None, exercise: str | None = None) -> list[dict]:
        """Every decision, newest first (of one student, one exercise, or all)."""
        where, args = [], []
        if student:
            where.append("student=?")
            args.append(student)
        if exercise:
            where.append("exercise=?")
            args.append(exercise_id(exercise))
        cur = self.db.execute("SELECT * FROM decisions" + (" WHERE " + " AND ".join(where) if where else "") +
                              " ORDER BY id DESC", args)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def changed_underneath(self, gradings: Iterable[Grading] | None = None) -> list[dict]:
        """Decisions in effect whose target's computed score is no longer the one the instructor decided on (a
        regrade changed it underneath): each with the score then and now, and the decision's score."""
        computed = {g.student.student: g.result for g in (self.book.current() if gradings is None else gradings)}
        out = []
        for (student, exercise, case), o in sorted(self.in_effect().items()):
            if o.computed is None or student not in computed:
                continue
            ex = next((e for e in computed[student].exercises if e.id == exercise), None)
            target = ex if ex is None or not case else next((c for c in ex.cases if c.name == case), None)
            now = None if target is None else round(target.score, 4)
            if now is None or abs(now - o.computed) > EPSILON:
                out.append({"student": student, "exercise": exercise, "case": case, "then": o.computed, "now": now,
                            "score": o.score, "by": o.by, "at": o.at, "decision": o.decision})
        return out

    def left(self) -> dict[str, int]:
        """What is left for the instructor: answers to review, open regrade requests, decisions whose computed
        score changed underneath them."""
        computed = self.book.current()
        final = self.finalise(computed)
        return {"answers": sum(ex.needs_review for g in final for ex in g.result.exercises),
                "requests": sum(r["status"] == "open" for r in self.requests()),
                "changed": len(self.changed_underneath(computed))}

    def comments(self, exercise: str) -> list[str]:
        """Comments already given on this exercise, most recent first: to reuse."""
        rows = self.db.execute("SELECT comment FROM decisions WHERE exercise=? AND comment != '' GROUP BY comment "
                               "ORDER BY MAX(id) DESC LIMIT 20", (exercise_id(exercise),)).fetchall()
        return [r[0] for r in rows]

    def import_overrides(self, table: dict[tuple, Override], source: str = "overrides CSV",
                         who: str | None = None) -> Imported:
        """An ``--overrides`` CSV into the store: a row already in effect unchanged is not added again."""
        out = Imported()
        effect = self.in_effect()
        for key, found in table.items():
            student, exercise = key[0], exercise_id(key[1])
            case = key[2] if len(key) > 2 else ""
            student = self.resolve(student) or student
            now = effect.get((student, exercise, case))
            if now is not None and abs(now.score - found.score) <= EPSILON and now.comment == found.comment:
                out.unchanged += 1
                continue
            try:
                with _Tx(self.db):
                    self._decide(student, exercise, found.score, case=case, action="score", comment=found.comment,
                                 source=found.source or source, who=who, seen=None, request_id=None, strict=False)
                out.added += 1
            except DecisionError as exc:
                out.problems.append(f"override line {found.line}: {exc}" if found.line else str(exc))
        return out

    # ------------------------------------------------------------------------------------------ requests
    def import_requests(self, path: Path) -> Imported:
        """A CSV of regrade requests (student, exercise, reason) into the queue; a request already there is kept
        once."""
        out = Imported()
        rows = _csv_rows(path, {"student": ("student", "submission", "name"), "exercise": ("exercise", "question"),
                                "reason": ("reason", "message", "comment", "request")})
        for number, row in rows:
            student = self.resolve(row["student"])
            exercise = exercise_id(row["exercise"])
            reason = row["reason"].strip()
            if student is None:
                out.problems.append(f"{path}, line {number}: no graded student {row['student']!r}")
                continue
            found = self.computed(student)
            if found is None or not any(ex.id == exercise for ex in found[1].exercises):
                out.problems.append(f"{path}, line {number}: {student} has no exercise {exercise!r}")
                continue
            if not reason:
                out.problems.append(f"{path}, line {number}: no reason given")
                continue
            with _Tx(self.db):
                there = self.db.execute("SELECT 1 FROM regrade_requests WHERE student=? AND exercise=? AND reason=?",
                                        (student, exercise, reason)).fetchone()
                if there:
                    out.unchanged += 1
                    continue
                self.db.execute("INSERT INTO regrade_requests (student, exercise, reason, source, received) VALUES "
                                "(?, ?, ?, ?, ?)", (student, exercise, reason, str(path), _now()))
                out.added += 1
        return out

    def requests(self, student: str | None = None) -> list[dict]:
        """Regrade requests, open ones first, then in the order they came."""
        cur = self.db.execute("SELECT * FROM regrade_requests" + (" WHERE student=?" if student else "") +
                              " ORDER BY status != 'open', id", (student,) if student else ())
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def answer(self, request_id: int, status: str, reply: str, score: float | None = None,
               who: str | None = None) -> dict:
        """Answer a request: ``kept`` (the score stands) or ``changed`` (to *score*, a decision on the exercise),
        with a reply the student sees; one transaction for both."""
        if status not in ANSWERS:
            raise DecisionError(f"a request is answered {' or '.join(ANSWERS)}, not {status!r}")
        if not reply.strip():
            raise DecisionError("the reply to a regrade request cannot be empty: the student reads it")
        with _Tx(self.db):
            row = self.db.execute("SELECT student, exercise FROM regrade_requests WHERE id=?",
                                  (request_id,)).fetchone()
            if row is None:
                raise DecisionError(f"no regrade request {request_id}")
            decision = None
            if status == "changed":
                if score is None:
                    raise DecisionError("a changed score is needed to answer 'changed'")
                decision = self._decide(row[0], row[1], score, case="", action="score", comment=reply,
                                        source=f"regrade request {request_id}", who=who, seen=None,
                                        request_id=request_id).id
            self.db.execute("UPDATE regrade_requests SET status=?, reply=?, answered_by=?, answered_at=?, "
                            "decision_id=? WHERE id=?", (status, reply.strip(), who or who_am_i(), _now(), decision,
                                                         request_id))
        return next(r for r in self.requests(row[0]) if r["id"] == request_id)

    # ------------------------------------------------------------------------------------------ late work
    def set_policy(self, policy: late_mod.Policy | None) -> None:
        with _Tx(self.db):
            if policy is None:
                self.db.execute("DELETE FROM meta WHERE key='late_policy'")
            else:
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('late_policy', ?)",
                                (json.dumps(policy.to_dict()),))

    def policy(self) -> late_mod.Policy | None:
        row = self.db.execute("SELECT value FROM meta WHERE key='late_policy'").fetchone()
        return late_mod.Policy.from_dict(json.loads(row[0])) if row else None

    def import_times(self, path: Path, zone: dt.tzinfo | None, *, extensions: bool = False) -> Imported:
        """Submission times (``student,submitted_at``, or Moodle's grading worksheet), or with *extensions* new due
        times (``student,due``), into the gradebook; a later import of a student replaces the earlier."""
        out = Imported()
        columns = ("student", "due") if extensions else ("student", "submitted_at")
        try:
            rows, out.problems = late_mod.read_times(Path(path), zone, columns)
        except late_mod.LateError as exc:
            out.problems.append(str(exc))
            return out
        table, column = ("late_extensions", "due") if extensions else ("submission_times", "submitted_at")
        with _Tx(self.db):
            for who, when, number in rows:
                student = self.resolve(who)
                if student is None:
                    out.problems.append(f"{path}, line {number}: no graded student {who!r}")
                    continue
                value = when.astimezone(dt.timezone.utc).isoformat()
                there = self.db.execute(f"SELECT {column} FROM {table} WHERE student=?", (student,)).fetchone()
                if there and there[0] == value:
                    out.unchanged += 1
                    continue
                self.db.execute(f"INSERT OR REPLACE INTO {table} (student, {column}, source, imported) VALUES "
                                "(?, ?, ?, ?)", (student, value, str(path), _now()))
                out.added += 1
        return out

    def record_late(self, inputs: late_mod.Inputs) -> list[str]:
        """Record the late policy and import its extensions and submission times; problems name file and line."""
        problems = []
        if inputs.policy is not None:
            self.set_policy(inputs.policy)
        zone = late_mod.zone_of(self.policy() or inputs.policy)
        for path, extensions in ((inputs.extensions, True), (inputs.submitted, False)):
            if path is not None:
                problems += self.import_times(path, zone, extensions=extensions).problems
        if (inputs.extensions or inputs.submitted) and self.policy() is None:
            problems.append("extensions or submission times were given, but there is no [tool.grader.late] policy: "
                            "no late penalty is applied")
        return problems

    def lateness(self) -> dict[str, late_mod.Lateness]:
        """Each graded student's lateness under the stored policy ({} without one)."""
        policy = self.policy()
        if policy is None:
            return {}
        times = dict(self.db.execute("SELECT student, submitted_at FROM submission_times").fetchall())
        extended = dict(self.db.execute("SELECT student, due FROM late_extensions").fetchall())
        out = {}
        for student, lms_late in self.db.execute("SELECT student, late FROM students").fetchall():
            submitted = dt.datetime.fromisoformat(times[student]) if student in times else None
            due = dt.datetime.fromisoformat(extended[student]) if student in extended else None
            out[student] = late_mod.penalty_for(policy, submitted, due, bool(lms_late))
        return out

    # ------------------------------------------------------------------------------------------ the final grade
    def finalise(self, gradings: Iterable[Grading] | None = None) -> list[Grading]:
        """The gradings with every decision, the late penalty and the regrade requests put on (new objects; the
        computed gradings are not changed).  What exports, reports and the desk show."""
        gradings = self.book.current() if gradings is None else list(gradings)
        effect = self.in_effect()
        lateness = self.lateness()
        policy = self.policy()
        requests: dict[str, list[dict]] = {}
        for r in self.requests():
            requests.setdefault(r["student"], []).append(_request_view(r))
        out = []
        for g in gradings:
            key = g.student.student
            out.append(replace(g, result=final_result(key, g.result, effect, lateness.get(key), policy,
                                                      requests.get(key, []))))
        return out

    def final_of(self, student: str, computed: SubmissionResult) -> SubmissionResult:
        """One student's *computed* result as the grade stands (decisions, late penalty, requests)."""
        effect = {k: v for k, v in self.in_effect().items() if k[0] == student}
        requests = [_request_view(r) for r in self.requests(student)]
        return final_result(student, computed, effect, self.lateness().get(student), self.policy(), requests)

    def final(self, student: str) -> Grading | None:
        found = [g for g in self.book.current() if g.student.student == student]
        return self.finalise(found)[0] if found else None


def _request_view(row: dict) -> dict:
    """A regrade request as the result keeps it for the student's report."""
    return {"id": row["id"], "exercise": row["exercise"], "reason": row["reason"], "status": row["status"],
            "reply": row["reply"], "answered_at": row["answered_at"] or ""}


def final_result(student: str, computed: SubmissionResult, effect: dict, lateness: late_mod.Lateness | None,
                 policy: late_mod.Policy | None, requests: list[dict]) -> SubmissionResult:
    """One student's grade as it stands: the computed result, the instructor's decisions on top
    (:func:`grader.review.overrides.apply`), then the late penalty (:func:`grader.review.late.apply`)."""
    result = SubmissionResult.from_dict(computed.to_dict())  # a copy: the computed grading stays as it was
    mine = {key: value for key, value in effect.items() if key[0] == student}
    if mine:
        result.notes.extend(f"instructor decision not applied: {p}" for p in apply_overrides(result, mine, student))
    late_mod.apply(result, lateness, policy)
    result.requests = list(requests)
    return result


def _csv_rows(path: Path, columns: dict[str, tuple[str, ...]]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV as ``{column: text}`` under our names, accepting the other names given for each."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DecisionError(f"{path}: {exc.strerror or exc}") from None
    reader = csv.DictReader(text.splitlines())
    header = {h.strip().lower(): h for h in reader.fieldnames or []}
    chosen = {}
    for ours, names in columns.items():
        hit = next((header[n] for n in names if n in header), None)
        if hit is None:
            raise DecisionError(f"{path}: the header needs columns {', '.join(columns)} (no {ours!r})")
        chosen[ours] = hit
    return [(n, {ours: (row.get(theirs) or "") for ours, theirs in chosen.items()})
            for n, row in enumerate(reader, start=2)]
