"""Late work: the course's policy, each student's due time and submission time, and the penalty they give.

The policy lives in ``[tool.grader.late]`` of the course's ``pyproject.toml``::

    [tool.grader.late]
    due = 2025-03-07T23:59:00+01:00   # a TOML date-time; without an offset, `timezone` says where it is
    timezone = "Europe/Berlin"         # for times written without an offset (due, CSV files, Moodle's worksheet)
    penalty = 10                       # percent taken off per day (or hour) late
    per = "day"                        # "day" or "hour"; a started day or hour counts in full
    of = "score"                       # the percent is of the score earned ("score") or of the points ("points")
    cap = 50                           # never more than this percent in all
    grace = "15m"                      # this long after the due time costs nothing ("90s", "15m", "2h", "1d")
    extensions = "extensions.csv"      # optional: student,due (a new due time per student), beside pyproject.toml
    submitted = "submitted.csv"        # optional: student,submitted_at, when the LMS export has no times

Lateness is counted from the student's due time (their extension's, if they have one): a submission within the
grace period is on time; past it, every started unit (day or hour) costs ``penalty`` percent, up to ``cap``.
:func:`penalty_for` says what a submission's lateness is, and :func:`apply` is the one function that puts the
penalty on a result: the exercise scores stay as graded and decided, ``result.late`` records the raw score, the
penalty and why, and ``result.score`` becomes the raw score less the penalty.  Every renderer shows that line;
nothing is taken off without it.  A student whose submission time is unknown gets no penalty and a line that
says so (a Canvas download marked LATE without a time says that too).
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

from grader.results import SubmissionResult

UNITS = {"day": dt.timedelta(days=1), "hour": dt.timedelta(hours=1)}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)?\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Moodle's grading worksheet writes dates as "Tuesday, 12 March 2024, 11:05 PM" (its strftimedatetime format).
MOODLE_FORMATS = ("%A, %d %B %Y, %I:%M %p", "%A, %d %B %Y, %H:%M")


class LateError(ValueError):
    """The late policy or one of its files is wrong; the message names the setting or the file and line."""


@dataclass(frozen=True)
class Policy:
    due: dt.datetime  # aware
    penalty: float = 0.0  # percent per unit
    per: str = "day"
    of: str = "score"
    cap: float = 100.0  # percent
    grace: dt.timedelta = dt.timedelta(0)
    timezone: str = ""  # for naive times
    extensions: str = ""  # paths as given in the policy (relative to the pyproject)
    submitted: str = ""

    def to_dict(self) -> dict:
        return {"due": self.due.isoformat(), "penalty": self.penalty, "per": self.per, "of": self.of,
                "cap": self.cap, "grace_seconds": self.grace.total_seconds(), "timezone": self.timezone}

    @classmethod
    def from_dict(cls, data: dict) -> "Policy":
        return cls(dt.datetime.fromisoformat(data["due"]), float(data["penalty"]), data["per"], data["of"],
                   float(data["cap"]), dt.timedelta(seconds=float(data["grace_seconds"])), data.get("timezone", ""))

    def describe(self) -> str:
        grace = f", {human(self.grace)} of grace" if self.grace else ""
        cap = f", at most {self.cap:g}%" if self.cap < 100 else ""
        of = "of the score" if self.of == "score" else "of the points"
        return f"due {self.due.isoformat()}; {self.penalty:g}% {of} per {self.per} late{cap}{grace}"


@dataclass(frozen=True)
class Lateness:
    """What one submission's timing costs; ``status`` is on_time, grace, late or unknown."""

    status: str
    due: dt.datetime | None = None
    submitted: dt.datetime | None = None
    extended: bool = False
    late_by: dt.timedelta = dt.timedelta(0)
    units: int = 0
    percent: float = 0.0
    capped: bool = False
    note: str = ""


@dataclass(frozen=True)
class Inputs:
    """What a batch or ``grader late`` records: the policy (None keeps the one the gradebook has) and the CSV files
    of extensions and submission times (None: none given)."""

    policy: Policy | None = None
    extensions: Path | None = None
    submitted: Path | None = None


def find_inputs(policy_file: Path | None = None, extensions: Path | None = None,
                submitted: Path | None = None) -> Inputs | None:
    """The late policy of *policy_file*, else of ``./pyproject.toml`` or the grader's own when it has one, with the
    extensions and submission-time files; None when there is neither a policy nor a file."""
    from grader.config import REPO_ROOT

    if policy_file is not None:
        return inputs_from(Path(policy_file), extensions, submitted)
    for path in (Path.cwd() / "pyproject.toml", REPO_ROOT / "pyproject.toml"):
        if path.is_file():
            found = inputs_from(path, extensions, submitted)
            if found.policy is not None:
                return found
    if extensions is not None or submitted is not None:
        return Inputs(None, extensions and Path(extensions), submitted and Path(submitted))
    return None


def inputs_from(pyproject: Path, extensions: Path | None = None, submitted: Path | None = None) -> Inputs:
    """The ``[tool.grader.late]`` policy of *pyproject* and its files (relative to it), the given files winning."""
    from grader.config import ConfigError, read_pyproject

    try:
        table = read_pyproject(Path(pyproject)).get("late")
    except ConfigError as exc:
        raise LateError(str(exc)) from None
    policy = load_policy(table, str(pyproject))
    here = Path(pyproject).resolve().parent

    def named(given: Path | None, setting: str) -> Path | None:
        if given is not None:
            return Path(given)
        return here / setting if setting else None

    return Inputs(policy, named(extensions, policy.extensions if policy else ""),
                  named(submitted, policy.submitted if policy else ""))


# ------------------------------------------------------------------------------------------------ the policy

def duration(value, origin: str) -> dt.timedelta:
    """``"15m"``, ``"2h"``, ``"1d"``, ``"90s"`` or a number of minutes."""
    if isinstance(value, bool):
        raise LateError(f"{origin}: {value!r} is not a duration")
    if isinstance(value, (int, float)):
        return dt.timedelta(minutes=float(value))
    match = _DURATION.match(str(value).lower())
    if not match:
        raise LateError(f"{origin}: {value!r} is not a duration (write e.g. \"15m\", \"2h\", \"1d\")")
    unit = (match.group(2) or "m")[0]
    return dt.timedelta(seconds=float(match.group(1)) * _SECONDS[unit])


def _zone(name: str, origin: str) -> dt.tzinfo | None:
    if not name:
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # noqa: BLE001 - ZoneInfoNotFoundError, ValueError, a missing tzdata
        raise LateError(f"{origin}: timezone {name!r} is not a known time zone (e.g. \"Europe/Berlin\", "
                        "\"America/New_York\", \"UTC\")") from None


def moment(value, zone: dt.tzinfo | None, origin: str) -> dt.datetime:
    """An aware date-time from TOML or text: an offset given wins, else *zone*, else it is an error."""
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime.combine(value, dt.time(23, 59, 59))
    else:
        text = str(value).strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            when = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
        except ValueError:
            when = None
            for fmt in MOODLE_FORMATS:
                try:
                    when = dt.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            if when is None:
                raise LateError(f"{origin}: {value!r} is not a date and time (write e.g. "
                                "2025-03-07T23:59:00+01:00)") from None
    if when.tzinfo is None:
        if zone is None:
            raise LateError(f"{origin}: {value!r} has no time zone: add an offset (+01:00, Z) or set timezone "
                            "in [tool.grader.late]")
        when = when.replace(tzinfo=zone)
    return when


def load_policy(table: dict | None, origin: str) -> Policy | None:
    """The policy in a ``[tool.grader.late]`` table (None when there is none); errors name the setting."""
    if not table:
        return None
    known = {"due", "timezone", "penalty", "per", "of", "cap", "grace", "extensions", "submitted"}
    unknown = set(table) - known
    if unknown:
        raise LateError(f"unknown setting {', '.join(sorted(unknown))} in [tool.grader.late] of {origin}; known: "
                        f"{', '.join(sorted(known))}")
    if "due" not in table:
        raise LateError(f"[tool.grader.late] of {origin} needs a due time (due = 2025-03-07T23:59:00+01:00)")
    where = f"[tool.grader.late] in {origin}"
    zone = _zone(str(table.get("timezone", "")), where)
    numbers = {}
    for name, default in (("penalty", 0.0), ("cap", 100.0)):
        raw = table.get(name, default)
        text = str(raw).strip().rstrip("%") if isinstance(raw, str) else raw
        try:
            numbers[name] = float(text)
        except (TypeError, ValueError):
            raise LateError(f"{name} = {raw!r} ({where}) is not a percentage") from None
        if isinstance(raw, bool) or not 0 <= numbers[name] <= 100:
            raise LateError(f"{name} = {raw!r} ({where}) must be a percentage from 0 to 100")
    per = str(table.get("per", "day")).lower().rstrip("s")
    if per not in UNITS:
        raise LateError(f"per = {table.get('per')!r} ({where}) must be \"day\" or \"hour\"")
    of = str(table.get("of", "score")).lower()
    if of not in ("score", "points"):
        raise LateError(f"of = {table.get('of')!r} ({where}) must be \"score\" or \"points\"")
    return Policy(moment(table["due"], zone, f"due ({where})"), numbers["penalty"], per, of, numbers["cap"],
                  duration(table.get("grace", 0), f"grace ({where})"), str(table.get("timezone", "")),
                  str(table.get("extensions", "")), str(table.get("submitted", "")))


def zone_of(policy: Policy | None) -> dt.tzinfo | None:
    return _zone(policy.timezone, "timezone") if policy and policy.timezone else None


# ------------------------------------------------------------------------------------------------ the penalty

def penalty_for(policy: Policy, submitted: dt.datetime | None, extension: dt.datetime | None = None,
                lms_late: bool = False) -> Lateness:
    """How late *submitted* is against the student's due time (the extension's when given) and what it costs."""
    due = extension or policy.due
    if submitted is None:
        note = "no submission time is known, so no late penalty was applied"
        if lms_late:
            note = "the LMS marked this submission late, but no submission time is known, so no late penalty " \
                   "was applied"
        return Lateness("unknown", due, None, extension is not None, note=note)
    if submitted <= due:
        return Lateness("on_time", due, submitted, extension is not None)
    late_by = submitted - due
    if late_by <= policy.grace:
        return Lateness("grace", due, submitted, extension is not None, late_by,
                        note=f"handed in {human(late_by)} after the due time, within the {human(policy.grace)} "
                             "grace period: no penalty")
    units = math.ceil(late_by / UNITS[policy.per] - 1e-9)
    percent = units * policy.penalty
    capped = percent > policy.cap
    percent = min(percent, policy.cap)
    return Lateness("late", due, submitted, extension is not None, late_by, units, percent, capped)


def apply(result: SubmissionResult, lateness: Lateness | None, policy: Policy | None) -> None:
    """Put the late penalty on *result* in place: the one place a late penalty is applied.

    ``result.score`` must already hold the raw score (graded, with the instructor's decisions); it becomes the raw
    score less the penalty (never below zero), and ``result.late`` says how that came about.
    """
    if lateness is None or policy is None:
        result.late = None
        return
    raw = round(result.score, 4)
    base = raw if policy.of == "score" else result.max_score
    points = round(min(raw, base * lateness.percent / 100.0), 4)
    per = policy.per + ("" if lateness.units == 1 else "s")
    line = lateness.note
    if lateness.status == "late":
        cap = f", capped at {policy.cap:g}%" if lateness.capped else ""
        of = "of the score" if policy.of == "score" else "of the points"
        line = (f"handed in {human(lateness.late_by)} late ({lateness.units} {per} at {policy.penalty:g}% {of} "
                f"each{cap}): {lateness.percent:g}% off, {points:g} points")
    elif lateness.status == "on_time":
        line = "handed in on time"
    result.late = {
        "status": lateness.status, "line": line,
        "submitted_at": lateness.submitted.isoformat() if lateness.submitted else None,
        "due": lateness.due.isoformat() if lateness.due else None, "extended": lateness.extended,
        "late_by_seconds": round(lateness.late_by.total_seconds()), "late_by": human(lateness.late_by),
        "units": lateness.units, "per": policy.per, "percent": lateness.percent, "capped": lateness.capped,
        "raw_score": raw, "penalty": points, "policy": policy.describe(),
    }
    result.score = round(raw - points, 4)


def human(delta: dt.timedelta) -> str:
    """``2 days 3 hours``, ``4 hours 10 minutes``, ``12 minutes``, ``40 seconds``."""
    seconds = int(round(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    parts = []
    for size, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {name}{'' if count == 1 else 's'}")
    return " ".join(parts[:2])


# ------------------------------------------------------------------------------------------------ the files

Row = tuple[str, dt.datetime, int]


def read_times(path: Path, zone: dt.tzinfo | None, columns: tuple[str, str]) -> tuple[list[Row], list[str]]:
    """Rows of ``(who, when, line)`` from a CSV with *columns* (student and time), or from a Moodle grading
    worksheet (``Identifier``/``Full name`` and ``Last modified (submission)``); problems name the line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LateError(f"{path}: {exc.strerror or exc}") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    who_col, when_col = columns
    moodle = "Last modified (submission)" in header
    if moodle:
        when_col = "Last modified (submission)"
    elif not {who_col, when_col} <= set(header):
        raise LateError(f"{path}: the header needs columns {who_col}, {when_col} (or be Moodle's grading "
                        "worksheet)")
    rows, problems = [], []
    for number, row in enumerate(reader, start=2):
        raw = (row.get(when_col) or "").strip()
        if moodle:
            ident = (row.get("Identifier") or "").strip()
            who = ident.split()[-1] if ident else (row.get("Full name") or "").strip()
            if not raw or raw in ("-", "No submission"):
                continue
        else:
            who = (row.get(who_col) or "").strip()
        if not who:
            problems.append(f"{path}, line {number}: no student")
            continue
        try:
            rows.append((who, moment(raw, zone, f"{path}, line {number}"), number))
        except LateError as exc:
            problems.append(str(exc))
    return rows, problems
