"""Every hidden suite proven both ways, and the exercise set kept complete and honest.

* The reference workbook scores full marks, the starter workbook zero, both without grader errors.
* Every known-wrong submission in ``solutions/<id>/wrong/`` gets the outcome and the feedback its first line
  (``# expect: <outcome> | <text>``) promises.
* No trivial answer (``return None``, ``[]``, ``0``, the input, a constant, an untrained model...) earns a point of
  any exercise's code part, and every suite has a core case for its property cases to wait for.
* The committed notebooks match their sources, and nothing the students receive imports ``solutions``.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from grader.catalog import load_catalog
from grader.config import REPO_ROOT, load_settings
from grader.course import trivial
from grader.course.trivial import FAMILY
from grader.grading.grade import grade
from grader.course.preflight import unavailable
from grader.results import Outcome

CATALOG = load_catalog(REPO_ROOT / "exercises")
SOLUTIONS = REPO_ROOT / "solutions"
EXPECT = re.compile(r"^# expect:\s*(\w+)\s*\|\s*(.+?)\s*$")
NEEDS_DATA = unavailable(CATALOG)
HEADLINE = ("q04", "q09", "q26", "fr1", "fr2")  # at least three wrong answers each; two for the others


def needs_data(exercise_id: str):
    return pytest.mark.skipif(exercise_id in NEEDS_DATA, reason=NEEDS_DATA.get(exercise_id, ""))


@pytest.fixture(scope="module")
def graded_reference():
    ids = [ex.id for ex in CATALOG if ex.id not in NEEDS_DATA]
    return grade(SOLUTIONS / "reference.ipynb", load_settings(), exercise_ids=ids)


def test_reference_workbook_scores_full_marks(graded_reference):
    result = graded_reference
    assert result.grader_errors == []
    not_full = {e.id: [(c.name, c.message) for c in e.cases if c.outcome is not Outcome.PASSED]
                for e in result.exercises if e.score < e.max_score}
    assert not_full == {}
    assert result.score == result.max_score > 0
    assert result.notes == [] and all(e.feedback == [] and not e.needs_review for e in result.exercises)


def test_starter_workbook_scores_zero_without_grader_errors():
    result = grade(REPO_ROOT / "exercises" / "workbook.ipynb", load_settings(),
                   exercise_ids=[ex.id for ex in CATALOG if ex.id not in NEEDS_DATA])
    assert result.grader_errors == []
    assert result.score == 0
    assert result.notes == [] and all(e.feedback == [] for e in result.exercises)  # every cell runs cleanly
    assert {e.outcome for e in result.exercises} <= {Outcome.MISSING, Outcome.FAILED}


WRONG = sorted(((ex, path) for ex in CATALOG for path in (SOLUTIONS / ex.id / "wrong").glob("*.py")),
               key=lambda pair: (pair[0].id, pair[1].name))


@pytest.mark.parametrize("exercise, path", WRONG, ids=[f"{e.id}/{p.stem}" for e, p in WRONG])
def test_known_wrong_submission_gets_the_promised_feedback(exercise, path):
    if exercise.id in NEEDS_DATA:
        pytest.skip(NEEDS_DATA[exercise.id])
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path} must start with '# expect: <outcome> | <feedback text>'"
    outcome, text = Outcome(match.group(1)), match.group(2)
    result = grade(path, load_settings(), exercise_ids=[exercise.id])
    assert result.grader_errors == []
    ex = result.exercise(exercise.id)
    feedback = " ".join(f"{c.message} {c.hint}" for c in ex.cases if c.outcome is not Outcome.PASSED)
    assert ex.outcome is outcome, (ex.outcome, feedback)
    assert ex.score < ex.max_score
    assert text.lower() in (feedback + " " + " ".join(ex.feedback)).lower(), feedback


@pytest.mark.parametrize("member", list(FAMILY))
def test_trivial_answers_score_zero_on_every_code_part(member, tmp_path):
    exercises = [ex for ex in CATALOG if ex.id not in NEEDS_DATA]
    graded = dict(trivial.trivial_results(load_settings(), exercises, tmp_path, members=[member]))
    assert list(graded) == [member]
    result = graded[member]
    assert result.grader_errors == []
    scoring = {ex.id: trivial.code_score(ex) for ex in result.exercises if trivial.code_score(ex)[0] > 0}
    assert scoring == {}
    assert len(result.exercises) == len([ex for ex in trivial.code_exercises(exercises, SOLUTIONS)
                                         if trivial.applies(member, ex)]) > 0


SUITES = sorted(SOLUTIONS.glob("*/test_hidden.py")) + sorted((REPO_ROOT / "exercises").glob("*/test_public.py"))


@pytest.mark.parametrize("path", SUITES, ids=[f"{p.parent.name}/{p.stem}" for p in SUITES])
def test_every_suite_has_a_core_case_for_its_properties_to_wait_for(path):
    tests = [node for node in ast.parse(path.read_text(encoding="utf-8")).body
             if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
    kinds = ["property" if any(ast.unparse(d) == "property_case" for d in node.decorator_list) else "core"
             for node in tests]
    assert "core" in kinds, f"{path}: every case is a property case; nothing would ever open the gate"


@pytest.mark.parametrize("exercise", CATALOG, ids=[e.id for e in CATALOG])
def test_exercise_folder_is_complete(exercise):
    from grader.course.validate import folder_problems

    assert [p.detail for p in folder_problems(exercise, SOLUTIONS)] == []
    assert exercise.question and exercise.section
    if exercise.id in HEADLINE:
        assert len(list((SOLUTIONS / exercise.id / "wrong").glob("*.py"))) >= 3


def test_committed_notebooks_are_built_from_the_exercise_folders():
    from click.testing import CliRunner

    from grader.cli import main

    outcome = CliRunner().invoke(main, ["build", "--check"])
    assert outcome.exit_code == 0, outcome.output


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("folder", ["exercises", "grader"])
def test_nothing_students_or_the_engine_receive_imports_solutions(folder):
    offenders = [p for p in (REPO_ROOT / folder).rglob("*.py") if "solutions" in _imports(p)]
    assert offenders == []


WRITTEN = [ex for ex in CATALOG if ex.written]


@pytest.mark.parametrize("exercise", WRITTEN, ids=[e.id for e in WRITTEN])
def test_reference_answer_earns_the_rubric_s_full_marks_without_review(exercise):
    from grader.judge import rubric

    rub = rubric.load_rubric(SOLUTIONS / exercise.id / "rubric.toml")
    prompt = exercise.written["prompt"] + "\n" + (exercise.folder / "prompt.md").read_text(encoding="utf-8")
    case = rubric.score((SOLUTIONS / exercise.id / "answer.md").read_text(encoding="utf-8"), rub, prompt)
    assert (case.score, case.needs_review) == (1.0, False), case.message


@pytest.mark.parametrize("exercise", WRITTEN, ids=[e.id for e in WRITTEN])
def test_labelled_answers_cover_the_rubric_with_a_held_out_part(exercise):
    from grader.config import tomllib

    answers = tomllib.loads((SOLUTIONS / exercise.id / "labelled.toml").read_text(encoding="utf-8"))["answers"]
    assert len(answers) >= 5
    assert sum(a.get("split") == "heldout" for a in answers) >= 2
    assert {a["kind"] for a in answers} >= {"good", "wrong"}
    assert all(0 <= a["score"] <= 1 for a in answers)
