"""Instructor decisions survive a regrade (``grader grade ... --force``), and where the computed score changed
underneath one, the gradebook, the dashboard and the command say so; exports and reports show every decision."""
import csv

import pytest
from click.testing import CliRunner

from desk_factories import CLASS, RIGHT_Q04, grade_class, write_class
from grader.cli import main
from grader.grading.store import Gradebook
from grader.review.decisions import Decisions
from grader.report.exports import student_folder


def run(*args):
    out = CliRunner().invoke(main, [str(a) for a in args])
    assert out.exit_code == 0, out.output
    return out.output


@pytest.mark.timeout(600)
def test_decisions_survive_a_forced_regrade_and_a_changed_score_underneath_is_shown(tmp_path):
    out = grade_class(tmp_path)
    said = run("override", out, "ben", "q04", "1", "--case", "written answer", "--comment", "Both ideas, in a list")
    assert "ben q04 / written answer: 1 (was 0.5; computed 0.5)" in said
    run("override", out, "cat", "q4", "accept", "--case", "written answer")
    run("override", out, "eve", "q04", "2.5", "--comment", "partial credit for the idea")
    with Gradebook(out / "gradebook.db") as book:
        computed = {g.student.student: g.result for g in book.current()}
        before = {g.student.student: g.result for g in Decisions(book).finalise()}
        decided = Decisions(book).in_effect()
    assert before["ben"].score == computed["ben"].score + 0.5  # the written answer from 0.5 to 1
    assert before["eve"].exercise("q04").score == 2.5 and before["cat"].score == computed["cat"].score

    # eve fixes her code and everyone is regraded: her q04 computes differently under her decision.
    students = dict(CLASS)
    students["eve"] = (RIGHT_Q04,) + CLASS["eve"][1:]
    subs = write_class(tmp_path / "submissions", students)
    said = run("grade", *subs, "--out", out, "-e", "q04", "-e", "q12", "--force", "-j", "1")
    assert "graded 5, skipped 0" in said
    assert "1 decisions whose computed score changed underneath them" in said and "grader review" in said

    with Gradebook(out / "gradebook.db") as book:
        store = Decisions(book)
        assert all(len(book.history(s)) == 2 for s in CLASS)  # regraded, the first grading kept
        assert store.in_effect() == decided  # every decision as it was
        final = {g.student.student: g.result for g in store.finalise()}
        moved = store.changed_underneath()
    then = computed["eve"].exercise("q04").score
    assert [(m["student"], m["exercise"], m["then"], m["now"], m["score"]) for m in moved] == [
        ("eve", "q04", then, 2.0, 2.5)] and then < 2.0  # her code works now: 2 of q04's 3 points computed
    assert final["ben"].score == before["ben"].score and final["eve"].exercise("q04").score == 2.5
    assert not final["cat"].exercise("q04").needs_review  # accepted: reviewed for good

    rows = {r["submission"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    assert float(rows["ben"]["q04"]) == final["ben"].exercise("q04").score and "q04" in rows["ben"]["overridden"].split()
    assert rows["eve"]["q04"] == "2.5" and "q04" not in rows["cat"]["needs_review"].split()
    assert "Both ideas, in a list" in (student_folder(out, "ben") / "report.html").read_text()
    assert "partial credit for the idea" in (student_folder(out, "eve") / "gradescope" / "results.json").read_text()
    dashboard = (out / "index.html").read_text()
    assert "Decisions whose computed score changed since" in dashboard
    assert f"computed {then:g} when decided, 2 now; the decision (2.5) stands" in dashboard


@pytest.mark.timeout(600)
def test_an_overrides_csv_goes_into_the_same_store(tmp_path):
    out = grade_class(tmp_path, {"ann": CLASS["ann"], "ben": CLASS["ben"]})
    table = tmp_path / "overrides.csv"
    table.write_text("submission,exercise,score,comment\nben,q12,2,accepted after discussion\n")
    subs = write_class(tmp_path / "submissions", {"ann": CLASS["ann"], "ben": CLASS["ben"]})
    for _ in range(2):  # twice: imported once
        said = run("grade", *subs, "--out", out, "-e", "q04,q12", "--overrides", table, "-j", "1", "--timeout", "60")
        assert "graded 0, skipped 2" in said  # an override regrades nobody
    with Gradebook(out / "gradebook.db") as book:
        history = Decisions(book).history("ben")
    assert [(h["exercise"], h["score"], h["source"]) for h in history] == [("q12", 2.0, str(table))]
    assert "accepted after discussion" in (student_folder(out, "ben") / "report.html").read_text()
    run("override", out, "ben", "q12", "computed")  # handed back to the computed score
    assert "accepted after discussion" not in (student_folder(out, "ben") / "report.html").read_text()
    with Gradebook(out / "gradebook.db") as book:
        assert Decisions(book).final("ben").result.exercise("q12").override is None
        assert len(Decisions(book).history("ben")) == 2
