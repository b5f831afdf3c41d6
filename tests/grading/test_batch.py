"""A batch keeps going past hostile and broken submissions, records every result the moment it exists, and
re-runs grade only what is new or changed."""
import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile

import pytest

from grader.grading import pool
from grader.grading.batch import grade_many, grading_key, safe_name
from grader.config import load_settings
from grader.review.overrides import Override
from grader.results import Outcome
from grader.grading.store import Gradebook

RIGHT = "def double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n"
WRONG = "def double_odds(nums):\n    return nums\n"


def test_endless_loop_and_huge_allocation_do_not_spoil_the_batch(tmp_path, make_script):
    subs = [
        make_script(RIGHT, "alice.py"),
        make_script("while True:\n    pass\n", "loop.py"),
        make_script("import torch\nbig = torch.ones(20 * 2**30, dtype=torch.uint8)\n" + RIGHT.replace(
            "return", "big.sum()\n    return"), "bomb.py"),
        make_script("{not a notebook", "corrupt.ipynb"),
        make_script(RIGHT, "bob.py"),
    ]
    settings = load_settings(timeout=4, memory_mb=2048)
    batch = grade_many(subs, tmp_path / "out", settings, exercise_ids=["q04"])
    by_name = {g.result.submission: g.result for g in batch.graded}
    assert by_name["alice"].score == by_name["bob"].score == 2
    assert by_name["loop"].exercise("q04").outcome in (Outcome.MISSING, Outcome.TIMEOUT)
    assert any("longer than" in line for line in by_name["loop"].notes)
    assert [i["kind"] for i in by_name["loop"].incidents] == ["timeout"]
    bomb = by_name["bomb"]
    assert bomb.exercise("q04").outcome is not Outcome.PASSED
    assert any(line.startswith("cell 1") and ("memory" in line or "RuntimeError" in line) for line in bomb.notes)
    assert by_name["corrupt"].exercise("q04").outcome is Outcome.ERROR
    assert "not valid JSON" in by_name["corrupt"].exercise("q04").cases[0].message
    for g in batch.graded:
        assert json.loads((g.folder / "result.json").read_text())["score"] == g.result.score
        assert (g.folder / "report.html").read_text().lower().startswith("<!doctype html>")
        assert g.result.grader_errors == []
    rows = list(csv.DictReader((tmp_path / "out" / "gradebook.csv").open()))
    assert [r["submission"] for r in rows] == ["alice", "bob", "bomb", "corrupt", "loop"]
    dashboard = (tmp_path / "out" / "index.html").read_text()
    assert 'href="students/alice/report.html"' in dashboard
    assert dashboard.count('href="students/loop/report.html"') == 2  # its row, and its timeout flag
    assert dashboard.count('href="students/corrupt/report.html"') == 2  # its row, and its unreadable flag
    assert "Unreadable files" in dashboard
    from grader.grading.store import Gradebook
    from grader.report.exports import write_exports
    with Gradebook(tmp_path / "out" / "gradebook.db") as book:  # what `grader export` does, later
        write_exports(book, tmp_path / "out", settings)
    again = (tmp_path / "out" / "index.html").read_text()
    assert again.count('href="students/corrupt/report.html"') == 2 and "Unreadable files" in again
    report = (tmp_path / "out" / "students" / "corrupt" / "report.html").read_text()
    assert "<h2>This file could not be read</h2>" in report and "not valid JSON" in report


def test_a_grader_crash_is_that_submissions_result_and_the_rest_are_kept(tmp_path, make_script, monkeypatch):
    import grader.grading.grade

    subs = [make_script(RIGHT, "first.py"), make_script(RIGHT, "second.py")]
    real = grader.grading.grade.grade

    def crash_on_second(path, *args, **kwargs):
        if "second" in str(path):
            raise RuntimeError("grader bug")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(grader.grading.grade, "grade", crash_on_second)
    batch = grade_many(subs, tmp_path / "out", load_settings(), exercise_ids=["q04"])
    first, second = sorted(batch.graded, key=lambda g: g.result.submission)
    assert first.result.score == 2
    assert "grader bug" in second.result.grader_errors[0]
    assert (tmp_path / "out" / "students" / "first" / "result.json").exists()
    assert (tmp_path / "out" / "students" / "second" / "result.json").exists()


def test_a_rerun_grades_only_what_changed_and_keeps_the_history(tmp_path, make_script):
    subs = [make_script(RIGHT, "ann.py"), make_script(WRONG, "ben.py")]
    out = tmp_path / "out"
    settings = load_settings()
    first = grade_many(subs, out, settings, exercise_ids=["q04"])
    assert len(first.graded) == 2 and first.skipped == []
    again = grade_many(subs, out, settings, exercise_ids=["q04"])
    assert again.graded == [] and sorted(again.skipped) == ["ann", "ben"]
    subs[1].write_text(RIGHT)  # ben fixes his answer and resubmits
    fixed = grade_many(subs, out, settings, exercise_ids=["q04"])
    assert [g.result.submission for g in fixed.graded] == ["ben"] and fixed.skipped == ["ann"]
    forced = grade_many(subs, out, settings, exercise_ids=["q04"], force=True)
    assert len(forced.graded) == 2
    with Gradebook(out / "gradebook.db") as book:
        history = book.history("ben")
        assert [h["score"] for h in history] == [0.0, 2.0, 2.0] and [h["current"] for h in history] == [0, 0, 1]
        assert {g.student.student: g.result.score for g in book.current()} == {"ann": 2.0, "ben": 2.0}
        assert [r["graded"] for r in book.runs()] == [2, 0, 1, 2]


def test_an_override_regrades_nobody_and_is_in_the_exports(tmp_path, make_script):
    subs = [make_script(WRONG, "ann.py"), make_script(WRONG, "ben.py")]
    out = tmp_path / "out"
    grade_many(subs, out, load_settings(), exercise_ids=["q04"])
    overrides = {("ben", "q04"): Override(1.5, "right idea, said so in office hours", 2)}
    batch = grade_many(subs, out, load_settings(), exercise_ids=["q04"], overrides=overrides)
    assert batch.graded == [] and sorted(batch.skipped) == ["ann", "ben"]  # decisions sit on top of the grade
    assert "ben" in (out / "gradebook.csv").read_text().splitlines()[2] and ",1.5," in (
        out / "gradebook.csv").read_text().splitlines()[2]
    forced = grade_many(subs, out, load_settings(), exercise_ids=["q04"], force=True)
    ben = next(g.result for g in forced.graded if g.result.submission == "ben")
    assert ben.score == 1.5 and ben.exercise("q04").override["computed"] == 0


def test_grading_key_follows_the_suites_and_the_limits(tmp_path):
    settings = load_settings()
    assert grading_key(settings, ["q04"]) == grading_key(settings, ["q04"])
    assert grading_key(settings, ["q04"]) != grading_key(settings, ["q04", "q05"])
    assert grading_key(settings, ["q04"]) != grading_key(load_settings(timeout=7), ["q04"])


def test_an_lms_zip_is_one_submission_per_student_with_the_lms_ids_kept(tmp_path):
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("leeann_1001_5001_workbook.py", RIGHT)
        zf.writestr("ngokim_LATE_1002_5002_workbook.py", WRONG)
        zf.writestr("../../escape.py", RIGHT)
    batch = grade_many([archive], tmp_path / "out", load_settings(), exercise_ids=["q04"])
    assert sorted(g.result.submission for g in batch.graded) == ["leeann", "ngokim"]
    assert any("escape.py" in p and "refused" in p for p in batch.problems)
    with Gradebook(tmp_path / "out" / "gradebook.db") as book:
        students = {s.student: s for s in book.students()}
    assert students["leeann"].lms_id == "1001" and students["ngokim"].late
    canvas = (tmp_path / "out" / "canvas.csv").read_text()
    assert "1001" in canvas and "1002" in canvas
    assert not (tmp_path / "escape.py").exists() and not any((tmp_path / "out").glob(".inputs-*"))


def test_workers_in_parallel_and_a_hung_worker_costs_only_its_submission(tmp_path, make_script, monkeypatch):
    import grader.grading.batch as batch_mod

    subs = [make_script(RIGHT, f"s{n}.py") for n in range(3)]
    subs.append(make_script("import time\ntime.sleep(30)\n" + RIGHT, "slow.py"))
    monkeypatch.setattr(batch_mod, "_backstop", lambda settings, ids: 8.0)
    batch = grade_many(subs, tmp_path / "out", load_settings(timeout=60), exercise_ids=["q04"], jobs=2)
    by_name = {g.result.submission: g.result for g in batch.graded}
    assert [by_name[f"s{n}"].score for n in range(3)] == [2, 2, 2]
    assert all(by_name[f"s{n}"].timings["warm_start"] == 1 for n in range(3))
    assert "took longer than 8 s" in by_name["slow"].grader_errors[0]
    assert by_name["slow"].score == 0
    assert all(by_name[f"s{n}"].timings["grader_rss_mb"] > 0 for n in range(3))
    # Two workers share the cores: neither gives torch's checks more threads than its share.
    assert {by_name[f"s{n}"].timings["grader_threads"] for n in range(3)} == {max(1, pool.default_jobs() // 2)}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kill -9 of a process group")
def test_kill_9_mid_batch_loses_nothing_recorded_and_the_rerun_finishes_the_rest(tmp_path, make_script):
    folder = tmp_path / "class"
    folder.mkdir()
    for n in range(2):
        (folder / f"quick{n}.py").write_text(RIGHT)
    (folder / "zz_slow.py").write_text("import time\ntime.sleep(60)\n" + RIGHT)
    out = tmp_path / "out"
    grader_bin = os.path.join(os.path.dirname(sys.executable), "grader")
    proc = subprocess.Popen([grader_bin, "grade", str(folder), "--out", str(out), "-e", "q04", "-j", "1",
                             "--timeout", "120"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    recorded = 0
    while time.monotonic() < deadline and recorded < 2:
        time.sleep(0.5)
        if (out / "gradebook.db").exists():
            try:
                recorded = sqlite3.connect(out / "gradebook.db").execute("SELECT count(*) FROM gradings").fetchone()[0]
            except sqlite3.Error:
                pass
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert recorded == 2
    (folder / "zz_slow.py").write_text(WRONG)  # the slow one is fixed before the re-run
    batch = grade_many([folder], out, load_settings(), exercise_ids=["q04"], jobs=1)
    assert sorted(batch.skipped) == ["quick0", "quick1"] and [g.result.submission for g in batch.graded] == ["zz_slow"]
    with Gradebook(out / "gradebook.db") as book:
        assert {g.student.student: g.result.score for g in book.current()} == {"quick0": 2, "quick1": 2, "zz_slow": 0}


def test_safe_names_are_valid_and_unique():
    taken = set()
    names = [safe_name(s, taken) for s in ["Ann Lee", "Ann_Lee", "../../etc", "", "ünï cödé"]]
    assert len(set(n.lower() for n in names)) == 5
    assert all("/" not in n and not n.startswith(".") for n in names)


def test_files_named_like_the_outputs_break_nothing_and_each_file_keeps_its_key(tmp_path):
    """Students' folders live under students/, so a file named like an export cannot take its place; a key given
    once stays with its file, so alice.py keeps 'alice' when Alice.py arrives, and each file has one current row."""
    folder = tmp_path / "class"
    folder.mkdir()
    names = ["gradebook.csv", "index.html", "gradebook.db", "junit.xml", "canvas.csv", "students", "alice"]
    for name in names:
        (folder / f"{name}.py").write_text(WRONG)
    out = tmp_path / "out"
    first = grade_many([folder], out, load_settings(), exercise_ids=["q04"])
    assert first.problems == [] and sorted(g.result.submission for g in first.graded) == sorted(names)
    for export in ("gradebook.csv", "canvas.csv", "junit.xml", "index.html", "gradebook.db"):
        assert (out / export).is_file(), export
    rows = {r["submission"]: r for r in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    assert sorted(rows) == sorted(names)
    for name, row in rows.items():
        assert row["source"] == f"{folder}/{name}.py" and row["report"] == f"students/{name}/report.html"
        assert (out / row["report"]).is_file()
        assert json.loads((out / "students" / name / "gradescope" / "results.json").read_text())["tests"]
    assert 'href="students/gradebook.csv/report.html"' in (out / "index.html").read_text(encoding="utf-8")

    (folder / "Alice.py").write_text(RIGHT)  # sorts before alice.py, which had 'alice' first
    second = grade_many([folder], out, load_settings(), exercise_ids=["q04"])
    assert [g.result.submission for g in second.graded] == ["Alice-2"] and sorted(second.skipped) == sorted(names)
    assert second.problems == [f"{folder}/Alice.py: duplicate student id 'Alice' (also {folder}/alice.py): graded "
                               "as 'Alice-2'"]
    third = grade_many([folder], out, load_settings(), exercise_ids=["q04"])
    assert third.graded == [] and len(third.skipped) == len(names) + 1
    with Gradebook(out / "gradebook.db") as book:
        current = {g.student.source: (g.student.student, g.result.score) for g in book.current()}
        rows = book.db.execute("SELECT student, count(*), sum(current) FROM gradings GROUP BY student").fetchall()
    assert current[f"{folder}/alice.py"] == ("alice", 0) and current[f"{folder}/Alice.py"] == ("Alice-2", 2)
    assert len(current) == len(names) + 1  # one current grading per file
    assert all(count == 1 and now == 1 for _, count, now in rows) and len(rows) == len(names) + 1


def test_a_result_that_cannot_be_written_costs_only_that_submission(tmp_path, make_script):
    subs = [make_script(RIGHT, "ann.py"), make_script(RIGHT, "bob.py")]
    out = tmp_path / "out"
    (out / "students" / "bob" / "result.json").mkdir(parents=True)  # where bob's result must go: a folder
    first = grade_many(subs, out, load_settings(), exercise_ids=["q04"])
    by_name = {g.result.submission: g.result for g in first.graded}
    assert by_name["ann"].grader_errors == [] and by_name["ann"].score == 2
    [error] = by_name["bob"].grader_errors
    assert error.startswith(f"its report could not be written to {out / 'students' / 'bob'}: IsADirectoryError")
    assert json.loads((out / "students" / "ann" / "result.json").read_text())["score"] == 2
    assert (out / "gradebook.csv").is_file() and (out / "index.html").is_file()
    with Gradebook(out / "gradebook.db") as book:
        assert {g.student.student: g.result.grader_errors for g in book.current()} == {"ann": [], "bob": [error]}
    (out / "students" / "bob" / "result.json").rmdir()
    again = grade_many(subs, out, load_settings(), exercise_ids=["q04"])  # bob is not current: graded and written
    assert [g.result.submission for g in again.graded] == ["bob"] and again.skipped == ["ann"]
    assert again.graded[0].result.grader_errors == []
    assert json.loads((out / "students" / "bob" / "result.json").read_text())["score"] == 2
