"""A batch keeps going past hostile and broken submissions, and every result is on disk as it completes."""
import csv
import json

from grader.batch import grade_many, safe_name
from grader.config import load_settings
from grader.results import Outcome

RIGHT = "def double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n"


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
    graded = grade_many(subs, tmp_path / "out", settings, exercise_ids=["q04"])
    by_name = {g.result.submission: g.result for g in graded}
    assert by_name["alice"].score == by_name["bob"].score == 2
    assert by_name["loop"].exercise("q04").outcome in (Outcome.MISSING, Outcome.TIMEOUT)
    assert any("longer than" in line for line in by_name["loop"].notes)
    bomb = by_name["bomb"]
    assert bomb.exercise("q04").outcome is not Outcome.PASSED
    assert any(line.startswith("cell 1") and ("memory" in line or "RuntimeError" in line) for line in bomb.notes)
    assert by_name["corrupt"].exercise("q04").outcome is Outcome.ERROR
    assert "not valid JSON" in by_name["corrupt"].exercise("q04").cases[0].message
    for g in graded:
        assert json.loads((g.folder / "result.json").read_text())["score"] == g.result.score
        assert (g.folder / "report.html").read_text().lower().startswith("<!doctype html>")
        assert g.result.grader_errors == []
    rows = list(csv.DictReader((tmp_path / "out" / "gradebook.csv").open()))
    assert [r["submission"] for r in rows] == ["alice", "loop", "bomb", "corrupt", "bob"]


def test_results_already_written_survive_a_later_crash(tmp_path, make_script, monkeypatch):
    import grader.batch as batch

    subs = [make_script(RIGHT, "first.py"), make_script(RIGHT, "second.py")]
    real = batch.grade

    def crash_on_second(path, *args, **kwargs):
        if "second" in str(path):
            raise RuntimeError("grader bug")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(batch, "grade", crash_on_second)
    graded = grade_many(subs, tmp_path / "out", load_settings(), exercise_ids=["q04"])
    assert graded[0].result.score == 2
    assert "grader bug" in graded[1].result.grader_errors[0]
    assert (tmp_path / "out" / "first" / "result.json").exists()
    assert (tmp_path / "out" / "second" / "result.json").exists()


def test_safe_names_are_valid_and_unique():
    taken = set()
    names = [safe_name(s, taken) for s in ["Ann Lee", "Ann_Lee", "../../etc", "", "ünï cödé"]]
    assert len(set(n.lower() for n in names)) == 5
    assert all("/" not in n and not n.startswith(".") for n in names)
