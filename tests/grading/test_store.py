"""The SQLite gradebook: one transaction per result, history kept, clear errors for files it cannot use."""
import sqlite3

import pytest

from grader.results import SubmissionResult
from grader.grading.store import Gradebook, GradebookError, Student


def result(name: str, score: float) -> SubmissionResult:
    return SubmissionResult(submission=name, path=f"{name}.ipynb", sha256="ab", score=score, max_score=10.0,
                            grader_version="t", timings={"total": 0.5})


def test_recording_makes_the_newest_grading_current_and_keeps_the_old(tmp_path):
    with Gradebook(tmp_path / "g.db") as book:
        ann = Student("ann", "Ann Lee", "1001", "class.zip:annlee_1001_1_w.ipynb", late=True)
        book.record(ann, result("ann", 4), sha256="s1", grading_key="k", code="x = 1")
        book.record(ann, result("ann", 9), sha256="s2", grading_key="k")
        assert book.is_current("ann", "s2", "k") and not book.is_current("ann", "s1", "k")
        assert not book.is_current("ann", "s2", "other key")
        [current] = book.current()
        assert current.result.score == 9 and current.student == ann
        assert [h["score"] for h in book.history("ann")] == [4, 9]
    with Gradebook(tmp_path / "g.db") as again:  # what was committed is there for the next process
        assert again.current()[0].result.score == 9


def test_a_failed_record_leaves_the_previous_grade_current(tmp_path, monkeypatch):
    with Gradebook(tmp_path / "g.db") as book:
        book.record(Student("ann"), result("ann", 4), sha256="s1", grading_key="k")
        broken = result("ann", 9)
        monkeypatch.setattr(SubmissionResult, "to_dict", lambda self: {"bad": object()})
        with pytest.raises(TypeError):
            book.record(Student("ann"), broken, sha256="s2", grading_key="k")
        monkeypatch.undo()
        assert [g.result.score for g in book.current()] == [4]


def test_files_it_cannot_use_are_clear_errors(tmp_path):
    (tmp_path / "notes.db").write_text("this is not a database at all" * 100)
    with pytest.raises(GradebookError, match="not a gradebook"):
        Gradebook(tmp_path / "notes.db")
    db = sqlite3.connect(tmp_path / "future.db")
    db.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('schema', '9');")
    db.commit()
    db.close()
    with pytest.raises(GradebookError, match="schema 9"):
        Gradebook(tmp_path / "future.db")


def test_runs_are_logged(tmp_path):
    with Gradebook(tmp_path / "g.db") as book:
        run = book.start_run("0.1", "key", 2, 5, ["zip: member refused"])
        book.finish_run(run, graded=3, skipped=2)
        [logged] = book.runs()
        assert (logged["workers"], logged["graded"], logged["skipped"]) == (2, 3, 2) and logged["finished"]


def test_keys_stay_with_their_origin_and_a_schema_1_gradebook_keeps_its_students_keys(tmp_path):
    with Gradebook(tmp_path / "g.db") as book:
        book.remember_keys([("file:alice.py", "alice")])
        book.remember_keys([("file:alice.py", "alice-2"), ("file:Alice.py", "ALICE")])  # alice.py keeps its key
        assert book.keys() == {"file:alice.py": "alice"}  # and 'ALICE' is 'alice' whatever the case: refused
    db = sqlite3.connect(tmp_path / "old.db")  # what a schema-1 gradebook held
    db.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                     "INSERT INTO meta VALUES ('schema', '1');"
                     "CREATE TABLE students (student TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', lms_id TEXT "
                     "NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '', late INTEGER NOT NULL DEFAULT 0, "
                     "first_seen TEXT, last_seen TEXT);"
                     "INSERT INTO students (student, source) VALUES ('bob', 'class/bob.py');")
    db.commit()
    db.close()
    with Gradebook(tmp_path / "old.db") as book:
        assert book.keys() == {"legacy:class/bob.py": "bob"}
        book.remember_keys([("file:bob.py", "bob")])  # the first run of this version hands the key on
        assert book.keys() == {"file:bob.py": "bob"}
    with Gradebook(tmp_path / "old.db") as again:
        assert again.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == ("2",)
