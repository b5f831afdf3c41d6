"""The decision store: every decision one transaction with who, when, old, new and comment; history never lost;
decisions applied on top of the computed grade in one place; regrade requests; late work; the exports."""
import csv
import datetime as dt
import sqlite3
import threading

import pytest

from grader.config import load_settings
from grader.grading.store import Gradebook, GradebookError, Student
from grader.report import render_html
from grader.report.exports import write_exports
from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult, Visibility
from grader.review import late
from grader.review.decisions import SCHEMA_KEY, DecisionError, Decisions, migrate, who_am_i
from grader.report.exports import student_folder

P = Visibility.PUBLIC


def graded(student="ann", written=0.5, code=(1.0, 0.0), flagged=True) -> SubmissionResult:
    cases = [CaseResult("gives the right list", Outcome.PASSED if code[0] else Outcome.FAILED, code[0], 1.0, P),
             CaseResult("handles an empty list", Outcome.PASSED if code[1] else Outcome.FAILED, code[1], 1.0),
             CaseResult("written answer", Outcome.PARTIAL, written, 1.0, P, needs_review=flagged,
                        details={"answer": "It builds a list.", "review_reasons": ["a list of words"]})]
    outcome, score, max_score = ExerciseResult.summarise(cases)
    ex = ExerciseResult("q04", "List comprehension", "code", outcome, score, max_score, cases)
    return SubmissionResult(student, f"{student}.py", "ab" * 32, score, max_score, [ex], grader_version="0.1.0")


@pytest.fixture
def book(tmp_path):
    with Gradebook(tmp_path / "gradebook.db") as gradebook:
        for name in ("ann", "ben"):
            gradebook.record(Student(name, name.title(), lms_id=f"10{len(name)}{name[0]}"), graded(name),
                             sha256=name, grading_key="k")
        yield gradebook


def test_the_review_tables_are_added_once_and_a_newer_version_is_refused(tmp_path, book):
    store = Decisions(book)
    tables = {r[0] for r in book.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"decisions", "regrade_requests", "late_extensions", "submission_times"} <= tables
    assert book.db.execute("SELECT value FROM meta WHERE key=?", (SCHEMA_KEY,)).fetchone() == ("1",)
    migrate(book.db)  # again: nothing changes
    store.decide("ann", "q04", 2)
    book.db.execute("UPDATE meta SET value='9' WHERE key=?", (SCHEMA_KEY,))
    with pytest.raises(GradebookError, match="version 9"):
        Decisions(book)


def test_a_decision_is_one_row_with_who_when_old_new_and_comment(book):
    store = Decisions(book)
    first = store.decide("ann", "q04", 1.0, case="written answer", comment="right idea")
    assert (first.old, first.score, first.computed, first.conflict) == (0.5, 1.0, 0.5, False)
    second = store.decide("ann", "q04", 0.75, case="written answer", comment="on reflection", who="ta")
    assert second.old == 1.0
    rows = store.history("ann")
    assert [(r["old"], r["score"], r["comment"], r["who"]) for r in rows] == [
        (1.0, 0.75, "on reflection", "ta"), (0.5, 1.0, "right idea", who_am_i())]
    assert all(dt.datetime.fromisoformat(r["at"]).tzinfo is not None for r in rows)
    cleared = store.decide("ann", "q04", case="written answer", action="clear")
    assert cleared.score == 0.5 and ("ann", "q04", "written answer") not in store.in_effect()
    assert len(store.history("ann")) == 3  # nothing is ever deleted


@pytest.mark.parametrize("kwargs, words", [
    ({"score": 1.5, "case": "written answer"}, "more than the 1 points"),
    ({"score": -1}, "not negative"),
    ({"score": 1, "case": "no such case"}, "has no case"),
    ({"score": None}, "a score is needed"),
    ({"score": 1, "action": "delete"}, "not one of"),
])
def test_a_decision_that_cannot_be_is_refused_and_nothing_is_written(book, kwargs, words):
    store = Decisions(book)
    with pytest.raises(DecisionError, match=words):
        store.decide("ann", "q04", **kwargs)
    with pytest.raises(DecisionError, match="no graded submission"):
        store.decide("zed", "q04", 1)
    assert store.history() == []


def test_decisions_are_applied_on_top_of_the_computed_grade(book):
    store = Decisions(book)
    store.decide("ann", "q04", 1.0, case="written answer", comment="says both ideas")
    store.decide("ann", "q04", 1.0, case="handles an empty list", comment="the hidden case was wrong")
    store.decide("ben", "q04", case="written answer", action="accept")
    final = {g.student.student: g.result for g in store.finalise()}
    ann = final["ann"].exercise("q04")
    assert ann.score == 3 and final["ann"].score == 3 and ann.outcome is Outcome.PASSED
    assert ann.override["computed"] == 1.5 and ann.override["cases"] == ["handles an empty list", "written answer"]
    assert not ann.needs_review and ann.cases[2].override["flagged"] is True
    ben = final["ben"].exercise("q04")
    assert ben.score == 1.5 and ben.override is None and not ben.needs_review  # accepted: reviewed, unchanged
    assert ben.cases[2].override["accepted"]
    # The computed gradings stay as they were.
    assert {g.student.student: g.result.score for g in book.current()} == {"ann": 1.5, "ben": 1.5}
    html = render_html(final["ann"])
    assert "the hidden case was wrong" in html and "Set by your instructor" in html
    assert "Reviewed by your instructor" in render_html(final["ben"])


def test_a_whole_exercise_decision_wins_over_its_cases(book):
    store = Decisions(book)
    store.decide("ann", "q04", 1.0, case="written answer")
    store.decide("ann", "q04", 0.5, comment="copied")
    ex = store.final("ann").result.exercise("q04")
    assert ex.score == 0.5 and ex.override["score"] == 0.5 and ex.override["computed"] == 1.5
    assert ex.outcome is Outcome.PARTIAL


def test_another_tab_deciding_first_is_recorded_and_said(book):
    store = Decisions(book)
    store.decide("ann", "q04", 1.0, case="written answer", seen=0.5)
    late_one = store.decide("ann", "q04", 0.0, case="written answer", seen=0.5)  # this tab still showed 0.5
    assert late_one.conflict and late_one.old == 1.0
    assert [r["score"] for r in store.history("ann")] == [0.0, 1.0]


def test_decisions_from_many_threads_at_once_all_land(tmp_path, book):
    path = book.path
    errors = []

    def decide(n):
        try:
            with Gradebook(path) as mine:
                Decisions(mine).decide("ann" if n % 2 else "ben", "q04", (n % 5) / 4, case="written answer",
                                       comment=f"thread {n}")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=decide, args=(n,)) for n in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    comments = sorted(r["comment"] for r in Decisions(book).history())
    assert comments == sorted(f"thread {n}" for n in range(24))
    # Each row's "old" is the score the row before it (of the same target) set: no lost update.
    for who in ("ann", "ben"):
        rows = list(reversed(Decisions(book).history(who)))
        assert [r["old"] for r in rows[1:]] == [r["score"] for r in rows[:-1]]


def test_overrides_csv_rows_import_once(tmp_path, book):
    from grader.review.overrides import load

    path = tmp_path / "overrides.csv"
    path.write_text("submission,exercise,score,comment\nann,Q4,2,office hours\nben,q04,9,too many\n")
    store = Decisions(book)
    first = store.import_overrides(load(path))
    assert first.added == 1 and "more than" in first.problems[0]
    again = store.import_overrides(load(path))
    assert again.added == 0 and again.unchanged == 1
    assert store.history("ann")[0]["source"] == str(path)
    assert store.final("ann").result.exercise("q04").override["comment"] == "office hours"


def test_a_changed_computed_score_under_a_decision_is_found(book):
    store = Decisions(book)
    store.decide("ann", "q04", 1.0, case="written answer")
    store.decide("ben", "q04", 3.0)
    assert store.changed_underneath() == []
    book.record(Student("ann", "Ann"), graded("ann", written=0.0), sha256="ann2", grading_key="k2")
    book.record(Student("ben", "Ben"), graded("ben", code=(1.0, 1.0)), sha256="ben2", grading_key="k2")
    moved = store.changed_underneath()
    assert [(m["student"], m["case"], m["then"], m["now"], m["score"]) for m in moved] == [
        ("ann", "written answer", 0.5, 0.0, 1.0), ("ben", "", 1.5, 2.5, 3.0)]
    final = {g.student.student: g.result.score for g in store.finalise()}
    assert final == {"ann": 2.0, "ben": 3.0}  # the decisions stand


def test_regrade_requests_are_queued_once_and_answered(tmp_path, book):
    path = tmp_path / "requests.csv"
    path.write_text("student,exercise,reason\nann,q4,My answer names both ideas.\n103b,q04,The empty list works\n"
                    "zed,q04,who am I\nann,q99,no such exercise\n")
    store = Decisions(book)
    done = store.import_requests(path)
    assert done.added == 2 and len(done.problems) == 2  # ben found by his LMS id
    assert store.import_requests(path).added == 0
    first, second = store.requests()
    with pytest.raises(DecisionError, match="cannot be empty"):
        store.answer(first["id"], "kept", "  ")
    store.answer(first["id"], "changed", "Yes, it does: full marks.", 3.0)
    store.answer(second["id"], "kept", "The hidden case checks an empty list; yours raised.")
    answered = {r["student"]: r for r in store.requests()}
    assert answered["ann"]["status"] == "changed" and answered["ann"]["decision_id"]
    assert answered["ben"]["status"] == "kept" and answered["ben"]["decision_id"] is None
    final = {g.student.student: g.result for g in store.finalise()}
    assert final["ann"].score == 3.0 and final["ann"].requests[0]["reply"] == "Yes, it does: full marks."
    html = render_html(final["ben"])
    assert "Regrade requests" in html and "yours raised" in html and "score kept" in html


def test_late_work_in_the_grade_and_every_export(tmp_path, book):
    store = Decisions(book)
    policy = late.load_policy({"due": "2025-03-07T23:59:00Z", "penalty": 10, "cap": 30}, "t")
    times = tmp_path / "submitted.csv"
    times.write_text("student,submitted_at\nann,2025-03-09T08:00:00Z\nben,2025-03-08T08:00:00Z\n")
    extensions = tmp_path / "extensions.csv"
    extensions.write_text("student,due\nben,2025-03-10T23:59:00Z\n")
    assert store.record_late(late.Inputs(policy, extensions, times)) == []
    final = {g.student.student: g.result for g in store.finalise()}
    assert final["ann"].late["units"] == 2 and final["ann"].late["penalty"] == 0.3 and final["ann"].score == 1.2
    assert final["ben"].late["status"] == "on_time" and final["ben"].late["extended"] and final["ben"].score == 1.5
    out = tmp_path / "out"
    student_folder(out, "ann").mkdir(parents=True)
    done = write_exports(book, out, load_settings())
    assert any("ann: late penalty of 0.3 points" in w for w in done.warnings)
    rows = {r["submission"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    assert (rows["ann"]["raw_score"], rows["ann"]["late_penalty"], rows["ann"]["score"]) == ("1.5", "0.3", "1.2")
    assert rows["ben"]["late_penalty"] == "0" and rows["ben"]["late"] == "handed in on time"
    assert "Late penalty" in (student_folder(out, "ann") / "report.html").read_text()
    assert 'name="late_penalty" value="0.3"' in (out / "junit.xml").read_text()
    assert '"late_penalty": 0.3' in (student_folder(out, "ann") / "gradescope" / "results.json").read_text()
    assert "late or without a submission time" in (out / "index.html").read_text()


def test_the_store_is_plain_sqlite_an_instructor_can_query(book):
    Decisions(book).decide("ann", "q04", 2.0, comment="ok")
    with sqlite3.connect(book.path) as db:
        assert db.execute("SELECT student, exercise, score, comment FROM decisions").fetchall() == [
            ("ann", "q04", 2.0, "ok")]
