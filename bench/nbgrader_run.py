"""nbgrader's side of ``bench/bulk.py``: the same submissions graded by ``nbgrader autograde`` in a course
directory whose assignment has, for each exercise, autograder test cells of plain asserts (``nbgrader_tests.py``).

nbgrader is not a dependency of the project; the bench finds it in its own venv (see ``bulk.py``'s docstring).
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path

from grader.config import tomllib

import nbgrader_tests
from class_batch import QUESTIONNAIRE, ROOT, _code_cell, _exercise_of, _source
from process_tree import run_timed

SAMPLE = ROOT / "grader" / "data" / "mnist_sample.npz"
ASSIGNMENT = "ch4"


def find_nbgrader(arg: str | None) -> Path | None:
    candidates = [Path(arg)] if arg else [Path("/tmp/nbgrader-venv")]
    for c in candidates:
        exe = c / "bin" / "nbgrader" if c.is_dir() else c
        if exe.is_file() and os.access(exe, os.X_OK):
            return exe
    if arg:
        return None
    found = shutil.which("nbgrader")
    return Path(found) if found else None


def _nb(cells: list[dict]) -> dict:
    return {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                        "name": "python3"},
                                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def _nbg_meta(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def build_source_notebook(catalog: dict) -> dict:
    """The instructor's assignment: a read-only helper cell, then per exercise an answer cell and its tests."""
    helper = _code_cell(nbgrader_tests.helpers(str(SAMPLE)), "nbg-helpers")
    helper["metadata"] = _nbg_meta("helpers", locked=True)
    cells = [helper]
    for ex_id in QUESTIONNAIRE:
        ex = catalog[ex_id]
        solution = (ROOT / "solutions" / ex_id / "solution.py").read_text(encoding="utf-8").strip()
        answer = _code_cell(f"# exercise: {ex_id}\n### BEGIN SOLUTION\n{solution}\n### END SOLUTION\n",
                            f"nbg-{ex_id}-answer")
        answer["metadata"] = _nbg_meta(f"{ex_id}-answer", solution=True)
        cells.append(answer)
        key_path = ROOT / "solutions" / ex_id / "key.toml"
        key = tomllib.loads(key_path.read_text(encoding="utf-8")) if key_path.is_file() else None
        for k, (points, source) in enumerate(nbgrader_tests.cells_for(ex, key)):
            test = _code_cell(source, f"nbg-{ex_id}-test{k}")
            test["metadata"] = _nbg_meta(f"{ex_id}-test{k}", grade=True, locked=True, points=points)
            cells.append(test)
    return _nb(cells)


def build_submitted(release: dict, student_path: Path) -> str:
    """The student's code cells in their order, in the released notebook: each exercise's first cell takes the
    answer cell's place, its test cells follow the exercise's last cell; an exercise whose cells the student
    deleted keeps its (locked) tests after an empty answer cell.  A file that is not JSON is submitted as is."""
    text = student_path.read_text(encoding="utf-8")
    try:
        student = json.loads(text)
    except ValueError:
        return text
    answers, tests, helper = {}, {}, None
    for cell in release["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        ex_id = grade_id.split("-")[0]
        if grade_id == "helpers":
            helper = cell
        elif grade_id.endswith("-answer"):
            answers[ex_id] = cell
        elif "-test" in grade_id:
            tests.setdefault(ex_id, []).append(cell)
    code = [c for c in student.get("cells", []) if c.get("cell_type") == "code"]
    last = {}
    for i, cell in enumerate(code):
        ex_id = _exercise_of(cell)
        if ex_id:
            last[ex_id] = i
    cells, placed = [helper], set()
    for i, cell in enumerate(code):
        ex_id = _exercise_of(cell)
        if ex_id in answers and ex_id not in placed:
            new = copy.deepcopy(answers[ex_id])
            new["source"] = _source(cell)
            placed.add(ex_id)
        else:
            new = _code_cell(_source(cell), f"student-{i}")
        cells.append(new)
        if ex_id in tests and last.get(ex_id) == i:
            cells.extend(tests[ex_id])
    for ex_id in QUESTIONNAIRE:
        if ex_id not in placed:
            new = copy.deepcopy(answers[ex_id])
            new["source"] = f"# exercise: {ex_id}\n"
            cells.append(new)
            cells.extend(tests.get(ex_id, []))
    return json.dumps(_nb(cells), indent=1, ensure_ascii=False) + "\n"


READ_SCORES = '''import json, sys
from nbgrader.api import Gradebook
out = {}
with Gradebook(sys.argv[1]) as gb:
    for student in gb.students:
        try:
            sub = gb.find_submission(sys.argv[2], student.id)
            out[student.id] = [sub.score, sub.max_score]
        except Exception:
            out[student.id] = None
print(json.dumps(out))
'''


def measure_nbgrader(exe: Path, batch: list[dict], catalog: dict, work: Path) -> dict:
    course = work / "nbgrader-course"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    db = course / "gradebook.db"
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'ch4-bench'\n"
        f"c.CourseDirectory.db_url = {'sqlite:///' + str(db)!r}\n"
        "c.Execute.timeout = 120  # seconds per cell, as the grader allows per cell\n", encoding="utf-8")
    (course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text(
        json.dumps(build_source_notebook(catalog), indent=1) + "\n", encoding="utf-8")
    env = dict(os.environ, PATH=f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}",
               JUPYTER_CONFIG_DIR=str(course / ".jupyter"), IPYTHONDIR=str(course / ".ipython"))
    gen_log = work / "nbgrader-generate.log"
    with open(gen_log, "w") as log:
        gen = subprocess.run([str(exe), "generate_assignment", ASSIGNMENT, "--force"], cwd=course, env=env,
                             stdout=log, stderr=subprocess.STDOUT, timeout=600)
    released = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    if gen.returncode != 0 or not released.is_file():
        return {"error": f"nbgrader generate_assignment failed (exit {gen.returncode}); see {gen_log}"}
    release = json.loads(released.read_text(encoding="utf-8"))
    for item in batch:
        folder = course / "submitted" / item["name"] / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_text(build_submitted(release, Path(item["path"])), encoding="utf-8")
    log = work / "nbgrader-autograde.log"
    run = run_timed([[str(exe), "autograde", ASSIGNMENT]], log, timeout=600 + 300 * len(batch), env=env, cwd=course)
    reader = subprocess.run([str(exe.parent / "python"), "-c", READ_SCORES, f"sqlite:///{db}", ASSIGNMENT], env=env,
                            capture_output=True, text=True, timeout=300)
    try:
        scores = json.loads(reader.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        scores = {}
        run["error"] = f"could not read nbgrader's gradebook: {reader.stderr[-500:]}"
    max_points = sum(points for cell in release["cells"]
                     if (points := cell["metadata"].get("nbgrader", {}).get("points")) is not None)
    run.update(total=run["wall"], scores=scores, max_points=max_points, log=str(log), course=str(course),
               failed=[item["name"] for item in batch
                       if not (course / "autograded" / item["name"] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()])
    return run
