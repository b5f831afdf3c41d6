"""The desk's pages as plain data: what each template shows, built from the gradebook and the decision store.

Every score shown is read from the one result model as :meth:`Decisions.finalise` makes it (computed, then the
instructor's decisions, then the late penalty); nothing here computes a score.  Student text (answers, names,
messages, reasons) is passed on as text; the templates escape it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from grader.catalog import Exercise, load_catalog
from grader.config import Settings
from grader.grading.store import Grading
from grader.report.plots import fmt_number
from grader.results import CaseResult, ExerciseResult, SubmissionResult
from grader.review.decisions import Decisions

WRITTEN = "written answer"  # the name of a written answer's case (grader.judge.rubric.NAME)


@dataclass
class Snapshot:
    """One request's view of the gradebook: the computed and the final gradings, keyed by student."""

    computed: dict[str, Grading]
    final: dict[str, Grading]
    effect: dict
    order: list[str]  # students by name

    @classmethod
    def take(cls, store: Decisions) -> "Snapshot":
        computed = store.book.current()
        final = store.finalise(computed)
        names = {g.student.student: g.student.name or g.student.student for g in final}
        order = sorted(names, key=lambda k: (names[k].lower(), k))
        return cls({g.student.student: g for g in computed}, {g.student.student: g for g in final},
                   store.in_effect(), order)

    def name(self, student: str) -> str:
        g = self.final.get(student)
        return (g.student.name or student) if g else student


@functools.lru_cache(maxsize=8)
def _catalog(exercises_dir: str) -> dict[str, Exercise]:
    return {ex.id: ex for ex in load_catalog(Path(exercises_dir))}


def catalog(settings: Settings) -> dict[str, Exercise]:
    try:
        return _catalog(str(settings.exercises_dir))
    except Exception:  # noqa: BLE001 - a desk over a graded folder still works without the exercise set
        return {}


def points(value: float | None) -> str:
    return "—" if value is None else fmt_number(round(value, 2))


def target_case(ex: ExerciseResult) -> CaseResult | None:
    """The case a question is reviewed by: its written answer, when it has one."""
    return next((c for c in ex.cases if c.name == WRITTEN), None)


def _flagged(ex: ExerciseResult | None) -> bool:
    """Flagged by the grader (before any decision): a provisional score the rubric was unsure of."""
    return bool(ex) and any(c.needs_review for c in ex.cases)


def _exercise(result: SubmissionResult, exercise: str) -> ExerciseResult | None:
    return next((e for e in result.exercises if e.id == exercise), None)


# ---------------------------------------------------------------------------------------------- home

def home(snap: Snapshot, store: Decisions, settings: Settings) -> dict[str, Any]:
    known = catalog(settings)
    ids: dict[str, str] = {}
    for g in snap.final.values():
        for ex in g.result.exercises:
            ids.setdefault(ex.id, ex.title)
    order = [i for i in known if i in ids] + sorted(i for i in ids if i not in known)
    questions = []
    for ex_id in order:
        answers = flagged = left = decided = 0
        for student, g in snap.final.items():
            ex = _exercise(g.result, ex_id)
            if ex is None:
                continue
            answers += 1
            flagged += _flagged(_exercise(snap.computed[student].result, ex_id))
            left += ex.needs_review
            decided += any(k[0] == student and k[1] == ex_id for k in snap.effect)
        questions.append({"id": ex_id, "title": ids[ex_id], "answers": answers, "flagged": flagged, "left": left,
                          "decided": decided, "href": f"/q/{quote(ex_id)}",
                          "written": known[ex_id].written is not None if ex_id in known else False})
    requests = store.requests()
    students = [{"key": k, "name": snap.name(k), "href": f"/s/{quote(k)}",
                 "score": points(snap.final[k].result.score), "max": points(snap.final[k].result.max_score),
                 "left": sum(ex.needs_review for ex in snap.final[k].result.exercises),
                 "late": (snap.final[k].result.late or {}).get("line", "")} for k in snap.order]
    return {"questions": questions, "left": sum(q["left"] for q in questions),
            "requests_open": sum(r["status"] == "open" for r in requests), "requests": len(requests),
            "changed": len(store.changed_underneath(snap.computed.values())), "students": students,
            "policy": store.policy().describe() if store.policy() else ""}


# ---------------------------------------------------------------------------------------------- one question

def question_order(snap: Snapshot, exercise: str) -> list[str]:
    """The class for one question: answers the grader flagged first, then the others, each by name."""
    have = [k for k in snap.order if _exercise(snap.final[k].result, exercise) is not None]
    return sorted(have, key=lambda k: not _flagged(_exercise(snap.computed[k].result, exercise)))


def answer(snap: Snapshot, store: Decisions, settings: Settings, exercise: str, student: str) -> dict[str, Any]:
    order = question_order(snap, exercise)
    index = order.index(student)
    computed_ex = _exercise(snap.computed[student].result, exercise)
    final_ex = _exercise(snap.final[student].result, exercise)
    case = target_case(computed_ex)
    final_case = target_case(final_ex) if case else None
    spec = catalog(settings).get(exercise)
    target = {"case": case.name if case else "",
              "max": case.max_score if case else computed_ex.max_score,
              "computed": case.score if case else computed_ex.score,
              "now": final_case.score if final_case else final_ex.score}
    decision = snap.effect.get((student, exercise, target["case"]))
    left_after = [k for k in order[index + 1:] + order[:index]
                  if _exercise(snap.final[k].result, exercise).needs_review]
    details = case.details if case else {}
    return {
        "exercise": exercise, "title": computed_ex.title, "student": student, "name": snap.name(student),
        "position": index + 1, "count": len(order),
        "left": sum(_exercise(snap.final[k].result, exercise).needs_review for k in order),
        "prev": f"/q/{quote(exercise)}/{quote(order[index - 1])}" if index else None,
        "next": f"/q/{quote(exercise)}/{quote(order[index + 1])}" if index + 1 < len(order) else None,
        "next_to_review": f"/q/{quote(exercise)}/{quote(left_after[0])}" if left_after else None,
        "done": f"/q/{quote(exercise)}",
        "flagged": _flagged(computed_ex), "needs_review": final_ex.needs_review,
        "target": {**target, "max_text": points(target["max"]), "computed_text": points(target["computed"]),
                   "now_text": points(target["now"])},
        "decision": _decision(decision), "written": case is not None,
        "answer": details.get("answer", ""), "message": case.message if case else "",
        "evidence": _evidence(details),
        "others": [_case(c) for c in computed_ex.cases if c is not case],
        "exercise_score": points(final_ex.score), "exercise_max": points(final_ex.max_score),
        "prompt": (spec.written or {}).get("prompt", "") if spec else "",
        "rubric": _rubric(settings, exercise) if case else None,
        "key": _model_answer(settings, exercise) if case else "",
        "comments": store.comments(exercise),
        "history": [_history_row(h, snap) for h in store.history(student, exercise)],
        "student_href": f"/s/{quote(student)}",
    }


def question_list(snap: Snapshot, exercise: str) -> dict[str, Any]:
    rows = []
    for k in question_order(snap, exercise):
        computed_ex = _exercise(snap.computed[k].result, exercise)
        final_ex = _exercise(snap.final[k].result, exercise)
        case = target_case(computed_ex)
        rows.append({"key": k, "name": snap.name(k), "href": f"/q/{quote(exercise)}/{quote(k)}",
                     "flagged": _flagged(computed_ex), "left": final_ex.needs_review,
                     "provisional": points(case.score if case else computed_ex.score),
                     "score": points(target_case(final_ex).score if case else final_ex.score),
                     "max": points(case.max_score if case else computed_ex.max_score),
                     "decided": any(key[0] == k and key[1] == exercise for key in snap.effect)})
    title = next((_exercise(g.result, exercise).title for g in snap.final.values()
                  if _exercise(g.result, exercise) is not None), exercise)
    first = next((r["href"] for r in rows if r["left"]), rows[0]["href"] if rows else None)
    return {"exercise": exercise, "title": title, "rows": rows, "first": first,
            "left": sum(r["left"] for r in rows)}


def _evidence(details: dict) -> dict[str, Any]:
    found = details.get("evidence") or {}
    return {"found": [{"name": n, "words": found.get(n, "")} for n in details.get("concepts_found", [])],
            "missed": list(details.get("concepts_missed", [])),
            "misconceptions": [{"name": n, "words": (details.get("misconception_evidence") or {}).get(n, "")}
                               for n in details.get("misconceptions", [])],
            "negated": [{"name": n, "words": w} for n, w in (details.get("negated") or {}).items()],
            "reasons": list(details.get("review_reasons", [])), "words": details.get("words"),
            "code_set_aside": bool(details.get("code_set_aside"))}


def _rubric(settings: Settings, exercise: str) -> dict[str, Any] | None:
    from grader.judge.rubric import load_rubric

    path = settings.solutions_dir / exercise / "rubric.toml"
    try:
        rubric = load_rubric(path)
    except (OSError, ValueError):
        return None
    names = {c.key: c.name for c in rubric.concepts}
    return {"concepts": [{"key": c.key, "name": c.name, "phrases": [" ".join(p).lstrip("= ") for p in c.phrases]}
                         for c in rubric.concepts],
            "levels": [{"score": fmt_number(lv.score), "all": [names.get(k, k) for k in lv.all],
                        "any": [names.get(k, k) for k in lv.any], "min": lv.min} for lv in rubric.levels],
            "misconceptions": [{"name": m.name, "effect": f"at most {fmt_number(m.cap)}" if m.cap is not None
                                else f"-{fmt_number(m.penalty)}",
                                "phrases": [" ".join(p) for p in m.phrases]} for m in rubric.misconceptions]}


def _model_answer(settings: Settings, exercise: str) -> str:
    path = settings.solutions_dir / exercise / "answer.md"
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _decision(found) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"score": points(found.score), "comment": found.comment, "by": found.by, "at": found.at[:19],
            "accepted": found.accepted, "source": found.source, "computed": points(found.computed)}


def _case(c: CaseResult, decision=None) -> dict[str, Any]:
    return {"name": c.name, "outcome": c.outcome.value, "score": points(c.score), "max": points(c.max_score),
            "score_value": c.score, "max_value": c.max_score,  # exact: "full points" is all of them
            "visibility": c.visibility.value, "message": c.message, "hint": c.hint, "expected": c.expected,
            "actual": c.actual, "decision": _decision(decision), "written": c.name == WRITTEN,
            "answer": c.details.get("answer", "") if c.name == WRITTEN else ""}


def _history_row(h: dict, snap: Snapshot | None = None) -> dict[str, Any]:
    return {"id": h["id"], "at": h["at"][:19].replace("T", " "), "who": h["who"], "student": h["student"],
            "name": snap.name(h["student"]) if snap else h["student"], "exercise": h["exercise"],
            "case": h["target"], "action": h["action"], "old": points(h["old"]),
            "new": "computed" if h["score"] is None else points(h["score"]), "computed": points(h["computed"]),
            "comment": h["comment"], "source": h["source"], "href": f"/s/{quote(h['student'])}"}


# ---------------------------------------------------------------------------------------------- one student

def student(snap: Snapshot, store: Decisions, student_key: str) -> dict[str, Any]:
    final = snap.final[student_key].result
    computed = snap.computed[student_key].result
    exercises = []
    for ex in final.exercises:
        before = _exercise(computed, ex.id)
        exercises.append({
            "id": ex.id, "anchor": "ex-" + "".join(ch if ch.isalnum() else "-" for ch in ex.id), "title": ex.title,
            "outcome": ex.outcome.value, "score": points(ex.score), "max": points(ex.max_score),
            "max_value": ex.max_score,
            # what a decision on the whole exercise replaces: the last one, else the computed score
            "seen_value": (snap.effect[(student_key, ex.id, "")].score if (student_key, ex.id, "") in snap.effect
                           else before.score if before else ex.score),
            "computed": points(before.score if before else None), "needs_review": ex.needs_review,
            "decision": _decision(snap.effect.get((student_key, ex.id, ""))),
            "cases": [_case(c, snap.effect.get((student_key, ex.id, c.name))) for c in ex.cases],
            "review_href": f"/q/{quote(ex.id)}/{quote(student_key)}"})
    late = final.late
    return {"key": student_key, "name": snap.name(student_key), "score": points(final.score),
            "max": points(final.max_score), "exercises": exercises, "late": late,
            "requests": [r for r in store.requests(student_key)],
            "history": [_history_row(h, snap) for h in store.history(student_key)],
            "report_href": f"/r/{quote(student_key)}", "grader_errors": list(final.grader_errors),
            "notes": list(final.notes)}


# ---------------------------------------------------------------------------------------------- queues

def requests(snap: Snapshot, store: Decisions) -> dict[str, Any]:
    rows = []
    for r in store.requests():
        g = snap.final.get(r["student"])
        ex = _exercise(g.result, r["exercise"]) if g else None
        rows.append({**r, "name": snap.name(r["student"]), "title": ex.title if ex else "",
                     "score": points(ex.score if ex else None), "max": points(ex.max_score if ex else None),
                     "max_value": ex.max_score if ex else 0, "now_value": ex.score if ex else 0,
                     "cases": [_case(c) for c in ex.cases] if ex else [],
                     "student_href": f"/s/{quote(r['student'])}#ex-{r['exercise']}"})
    return {"rows": rows, "open": sum(r["status"] == "open" for r in rows)}


def history(snap: Snapshot, store: Decisions) -> dict[str, Any]:
    return {"rows": [_history_row(h, snap) for h in store.history()],
            "changed": [{**c, "name": snap.name(c["student"]), "then": points(c["then"]), "now": points(c["now"]),
                         "score": points(c["score"]), "href": f"/s/{quote(c['student'])}"}
                        for c in store.changed_underneath(snap.computed.values())]}
