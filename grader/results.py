"""The one result model every output renders from.

A grading run produces a :class:`SubmissionResult`; the terminal, HTML, JSON and CSV renderers are pure
functions of it (or of its ``to_dict()`` form), so they can never disagree about a score.  Everything here is
plain data: no student object, no exception instance, nothing that cannot round-trip through JSON.
"""
from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any


# The name of the one case an exercise gets when the submission file could not be read at all; renderers and
# the batch's progress lines recognise an unreadable submission by it.
LOAD_ERROR_CASE = "submission could be read"


class Outcome(str, enum.Enum):
    """What happened to a case, an exercise or a submission.

    ``error`` means the *student's* code raised or the sandbox died while running it; problems of the grader's
    own are kept apart in :attr:`SubmissionResult.grader_errors` so a broken grader never looks like a student
    mistake.
    """

    PASSED = "passed"
    FAILED = "failed"
    PARTIAL = "partial"
    ERROR = "error"
    TIMEOUT = "timeout"
    MISSING = "missing"

    def __str__(self) -> str:  # so f-strings and templates print "passed", not "Outcome.PASSED"
        return self.value


class Visibility(str, enum.Enum):
    """Public cases show expected/actual values and hints; hidden cases show only the author's message."""

    PUBLIC = "public"
    HIDDEN = "hidden"

    def __str__(self) -> str:
        return self.value


@dataclass
class CaseResult:
    """One test case of one exercise."""

    name: str
    outcome: Outcome
    score: float
    max_score: float
    visibility: Visibility = Visibility.HIDDEN
    message: str = ""
    hint: str = ""
    expected: str | None = None  # public cases only
    actual: str | None = None  # public cases only
    duration: float = 0.0
    needs_review: bool = False  # a provisional score (written answers) an instructor should look at
    details: dict[str, Any] = field(default_factory=dict)  # e.g. rubric concepts found and missed
    # A suite's case is "core" (the behaviour the question asks for) or "property" (edge cases, the input left
    # alone, format, speed, style); "" for what is scored on its own (a choice, a written answer).
    kind: str = ""
    withheld: str = ""  # why a property case scores 0 although it may pass: "not counted until ... works"
    # The instructor's decision on this case ({score, computed, comment, by, at, accepted, ...}); its score wins.
    override: dict[str, Any] | None = None

    def redacted(self) -> "CaseResult":
        """The form a student may see: hidden cases lose expected/actual values."""
        if self.visibility is Visibility.PUBLIC:
            return self
        return dataclasses.replace(self, expected=None, actual=None)


@dataclass
class ExerciseResult:
    """All cases of one exercise plus what the notebook run said about it."""

    id: str
    title: str
    kind: str
    outcome: Outcome
    score: float
    max_score: float
    cases: list[CaseResult] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)  # cell errors, neutralised magics, notes
    artifacts: dict[str, Any] = field(default_factory=dict)  # plain data for pictures (curves, matrices)
    override: dict[str, Any] | None = None  # {score, comment, computed}: the instructor's word, which wins
    withheld: str = ""  # why its property cases were not counted (the core cases do not do the job yet)
    tampering: list[str] = field(default_factory=list)  # "cell 3, line 2: rebinds ...": its "how" points forfeit

    @property
    def needs_review(self) -> bool:
        return self.override is None and any(c.needs_review for c in self.cases)

    @staticmethod
    def summarise(cases: list[CaseResult]) -> tuple[Outcome, float, float]:
        """Outcome and points of an exercise from its cases.

        The worst non-score outcome wins (missing, then timeout, then error) when nothing scored; otherwise the
        points decide between passed, partial and failed.
        """
        max_score = sum(c.max_score for c in cases)
        score = sum(c.score for c in cases)
        if not cases:
            return Outcome.MISSING, 0.0, 0.0
        if all(c.outcome is Outcome.PASSED for c in cases):
            return Outcome.PASSED, score, max_score
        if score > 0:
            return Outcome.PARTIAL, score, max_score
        for special in (Outcome.MISSING, Outcome.TIMEOUT, Outcome.ERROR):
            if all(c.outcome in (special, Outcome.FAILED) for c in cases) and any(
                    c.outcome is special for c in cases):
                return special, score, max_score
        return Outcome.FAILED, score, max_score


@dataclass
class SubmissionResult:
    """The whole grade of one submission, as written to ``result.json``."""

    submission: str  # display name (usually the file stem or student id)
    path: str
    sha256: str
    score: float
    max_score: float
    exercises: list[ExerciseResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # notebook-level notes (magics, unmarked-cell errors)
    grader_errors: list[str] = field(default_factory=list)  # problems of the grader's own, never the student's
    device: str = "cpu"
    isolation: str = ""
    grader_version: str = ""
    mode: str = "grade"  # "grade" (hidden suites) or "check" (public tests)
    timings: dict[str, float] = field(default_factory=dict)
    created: str = ""
    output: str = ""  # what the student's code printed (capped); untrusted text, escaped by every renderer
    # Sandbox events worth an instructor's eye, as plain data: {"kind", "cell", "exercise", "message"} where kind
    # is timeout, memory, died, protocol (a reply the grader refused), not_run or output (output truncated).
    incidents: list[dict[str, Any]] = field(default_factory=list)
    # The late-work line ({status, submitted_at, due, late_by, percent, penalty, raw_score, ...}) when a late
    # policy applies: ``score`` is then the raw score less ``penalty`` (grader/review/late.py sets both).
    late: dict[str, Any] | None = None
    # Regrade requests and their answers ({id, exercise, reason, status, reply, answered_at}), for the report.
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def outcome(self) -> Outcome:
        if self.max_score and self.score >= self.max_score:
            return Outcome.PASSED
        return Outcome.PARTIAL if self.score > 0 else Outcome.FAILED

    @property
    def load_error(self) -> CaseResult | None:
        """The case saying the file could not be read, when that is why nothing in it was graded (every case is
        one), else None: what the flags, the progress line, the reports and the class table all go by."""
        cases = [c for ex in self.exercises for c in ex.cases]
        if cases and all(c.name == LOAD_ERROR_CASE and c.outcome is Outcome.ERROR for c in cases):
            return cases[0]
        return None

    def exercise(self, exercise_id: str) -> ExerciseResult:
        for ex in self.exercises:
            if ex.id == exercise_id:
                return ex
        raise KeyError(exercise_id)

    def to_dict(self) -> dict[str, Any]:
        data = _plain(self)
        data["outcome"] = self.outcome.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SubmissionResult":
        exercises = []
        for ex in data.get("exercises", []):
            cases = [CaseResult(**{**c, "outcome": Outcome(c["outcome"]),
                                   "visibility": Visibility(c.get("visibility", "hidden"))})
                     for c in ex.get("cases", [])]
            exercises.append(ExerciseResult(**{**ex, "outcome": Outcome(ex["outcome"]), "cases": cases}))
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "exercises"}
        return cls(**fields, exercises=exercises)


def _plain(value: Any) -> Any:
    """Dataclasses to dicts and enums to their values, recursively, so ``json.dumps`` needs no custom encoder.

    (``dataclasses.asdict`` would deep-copy every leaf first, a report's pictures included, and the process
    that records a class's results pays that twice per submission.)
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
