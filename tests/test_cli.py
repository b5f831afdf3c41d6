"""The command line: a thin layer, so these tests check wiring, exit codes and messages."""
import json

import pytest
from click.testing import CliRunner

from grader.cli import main

RIGHT = "def double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n"
EXPLAINED = (RIGHT + "# %% [markdown] answer: q04\n# A list comprehension builds a new list from each item of an "
             "iterable, and its if part filters which items are kept.\n")
WRONG = "def double_odds(nums):\n    return [2 * n for n in nums]\n"


@pytest.fixture
def cli():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def test_list_shows_the_catalogue(cli):
    out = cli("list")
    assert out.exit_code == 0
    assert "q04" in out.output and "List comprehension" in out.output and "code" in out.output


def test_check_exit_status_follows_the_public_tests(cli, make_script):
    good, bad = make_script("# %%\n" + EXPLAINED, "good.py"), make_script(WRONG, "bad.py")
    passed = cli("check", good, "-e", "q04")
    assert passed.exit_code == 0, passed.output
    assert "public tests passed; hidden tests will run when graded" in passed.output
    failed = cli("check", bad, "-e", "q04")
    assert failed.exit_code == 1 and "q04" in failed.output


def test_one_mistake_in_the_check_command_is_one_line_with_its_own_exit_status(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "workbook.ipynb").write_text('{"cells": [')  # cut off mid-save
    typo = cli("check", "workbok.ipynb")
    assert typo.exit_code == 2
    assert typo.output.strip().splitlines() == [
        "grader: workbok.ipynb does not exist: check the name and the folder you are in (here: workbook.ipynb)"]
    corrupt = cli("check", "workbook.ipynb")
    assert corrupt.exit_code == 3 and len(corrupt.output.strip().splitlines()) == 1
    assert corrupt.output.startswith("grader: workbook.ipynb cannot be read: the notebook is not valid JSON")
    assert "Open it in Jupyter" in corrupt.output
    folder = cli("check", tmp_path)
    assert folder.exit_code == 2 and "is a folder" in folder.output and len(folder.output.strip().splitlines()) == 1


def test_check_min_score_sets_the_bar_for_ci(cli, make_script, tmp_path):
    unexplained = make_script(RIGHT)  # code right, written answer missing: 2 of 3 points
    assert cli("check", unexplained, "-e", "q04").exit_code == 1
    reached = cli("check", unexplained, "-e", "q04", "--min-score", "0.6")
    assert reached.exit_code == 0 and "score 66.7% reaches the required 60.0%" in reached.output
    below = cli("check", unexplained, "-e", "q04", "--min-score", "80%", "--junit", tmp_path / "j.xml",
                "--html", tmp_path / "r.html")
    assert below.exit_code == 1 and "score 66.7% is below the required 80.0%" in below.output
    from junitparser import JUnitXml

    cases = [case for suite in JUnitXml.fromfile(str(tmp_path / "j.xml")) for case in suite]
    assert len(cases) >= 3 and sum(1 for case in cases if not case.is_passed) == 1  # the written answer
    assert "q04" in (tmp_path / "r.html").read_text()
    for bad, why in (("eighty", "is not a number"), ("1.5", "outside 0..1"), ("120%", "outside 0..1")):
        out = cli("check", unexplained, "-e", "q04", "--min-score", bad)
        assert out.exit_code == 2 and why in out.output


def test_check_json_prints_the_result_document(cli, make_script):
    out = cli("check", make_script(WRONG), "--exercise", "q04", "--json")
    doc = json.loads(out.output)
    assert doc["mode"] == "check" and doc["max_score"] == 3 and doc["exercises"][0]["id"] == "q04"
    assert all(c["visibility"] == "public" for c in doc["exercises"][0]["cases"])


def test_grade_writes_results_reports_a_gradebook_and_exports(cli, make_script, tmp_path):
    out_dir = tmp_path / "graded"
    out = cli("grade", make_script(RIGHT, "ann.py"), make_script(WRONG, "bo.py"), "{broken", "--out", out_dir,
              "-e", "q04", "-j", "2")
    assert out.exit_code == 0, out.output
    for name in ("ann", "bo"):
        assert json.loads((out_dir / "students" / name / "result.json").read_text())["max_score"] == 3
        assert (out_dir / "students" / name / "report.html").is_file()
        assert json.loads((out_dir / "students" / name / "gradescope" / "results.json").read_text())["tests"]
    for export in ("gradebook.csv", "canvas.csv", "junit.xml", "index.html", "gradebook.db"):
        assert (out_dir / export).is_file(), export
    assert "ann" in (out_dir / "gradebook.csv").read_text()
    assert "students/ann/report.html" in out.output
    assert "input: {broken: does not exist: skipped" in out.output
    assert "graded 2, skipped 0 (unchanged)" in out.output
    again = cli("grade", tmp_path / "ann.py", tmp_path / "bo.py", "--out", out_dir, "-e", "q04", "-j", "2")
    assert "graded 0, skipped 2 (unchanged)" in again.output
    assert "2 of 2 submissions are already graded and unchanged: skipped (--force regrades them)" in again.output
    (out_dir / "canvas.csv").unlink()
    exported = cli("export", out_dir, "--canvas-assignment", "Chapter 4 (4711)")
    assert exported.exit_code == 0, exported.output
    assert (out_dir / "canvas.csv").read_text().splitlines()[0].endswith("Chapter 4 (4711)")
    assert "no LMS id" in exported.output or "warning:" in exported.output
    missing = cli("export", tmp_path)
    assert missing.exit_code == 2 and "has no gradebook.db" in missing.output


def test_unknown_exercise_and_bad_settings_are_usage_errors(cli, make_script, tmp_path):
    out = cli("grade", make_script(RIGHT), "--out", tmp_path, "-e", "q99")
    assert out.exit_code == 2 and "unknown exercise 'q99'" in out.output
    out = cli("check", make_script(RIGHT), "--timeout", "-3")
    assert out.exit_code == 2 and "timeout" in out.output and "command line" in out.output


def test_grade_stops_before_work_when_data_is_missing(cli, make_script, tmp_path, monkeypatch):
    import grader.course.preflight as preflight

    monkeypatch.setattr(preflight, "dataset_problem", lambda name: "not fetched: run grader data fetch mnist")
    from grader.catalog import load_catalog
    from grader.config import REPO_ROOT

    if not any(ex.data for ex in load_catalog(REPO_ROOT / "exercises")):
        pytest.skip("no exercise needs extra data")
    out = cli("grade", make_script(RIGHT), "--out", tmp_path / "o")
    assert out.exit_code == 1 and "grader data fetch mnist" in out.output
    assert not (tmp_path / "o").exists()


def test_data_verify_and_export(cli, tmp_path):
    out = cli("data", "verify")
    assert out.exit_code == 0 and "mnist_sample" in out.output and "ok" in out.output
    out = cli("data", "export", tmp_path / "sample")
    assert out.exit_code == 0
    assert len(list((tmp_path / "sample" / "valid" / "3").glob("*.png"))) == 1010


def test_data_verify_fails_on_a_tampered_cache(cli, tmp_path, monkeypatch):
    import numpy as np

    fake = {"x_train": np.zeros((60000, 28, 28), np.uint8), "y_train": np.zeros(60000, np.uint8),
            "x_test": np.zeros((10000, 28, 28), np.uint8), "y_test": np.zeros(10000, np.uint8)}
    np.savez_compressed(tmp_path / "mnist_full.npz", **fake)
    monkeypatch.setenv("GRADER_CACHE", str(tmp_path))
    out = cli("data", "verify")
    assert out.exit_code == 1 and "do not match checksums.json" in out.output
    assert "MISMATCH" in out.output and "mnist_sample" in out.output  # the embedded sample is still listed


def test_validate_quick_passes_on_the_project_and_fails_with_a_table(cli, tmp_path, monkeypatch):
    out = cli("validate", "--quick")
    assert out.exit_code == 0 and "static checks passed" in out.output and "sound" not in out.output
    assert "run without --quick" in out.output  # it says what it did not check
    broken = tmp_path / "exercises" / "q01"
    broken.mkdir(parents=True)
    (broken / "exercise.toml").write_text('id = "q01"\ntitle = "T"\nkind = "code"\npoints = 1\nnames = ["f"]\n')
    monkeypatch.setenv("GRADER_EXERCISES", str(tmp_path / "exercises"))
    monkeypatch.setenv("GRADER_SOLUTIONS", str(tmp_path / "solutions"))
    out = cli("validate", "--quick")
    assert out.exit_code == 1 and "complete folder" in out.output and "starter.py is missing" in out.output
