"""`grader validate`'s static checks find incomplete folders and answers leaking into what students get."""
from grader.catalog import load_catalog
from grader.config import REPO_ROOT
from grader.course.validate import folder_problems, import_problems

GOOD = 'id = "q05"\ntitle = "T"\nkind = "code"\npoints = 1\nnames = ["f"]\nquestion = "Q5"\nsection = "S"\n'


def test_incomplete_folders_are_listed_file_by_file(tmp_path):
    ex_dir, sol_dir = tmp_path / "exercises" / "q05", tmp_path / "solutions" / "q05"
    ex_dir.mkdir(parents=True)
    sol_dir.mkdir(parents=True)
    (ex_dir / "exercise.toml").write_text(GOOD + '[written]\npoints = 1\nprompt = "Why?"\n')
    (ex_dir / "prompt.md").write_text("### Q5")
    (sol_dir / "solution.py").write_text("def f(): pass\n")
    ex = load_catalog(tmp_path / "exercises")[0]
    details = " | ".join(p.detail for p in folder_problems(ex, tmp_path / "solutions"))
    for missing in ("starter.py", "test_public.py", "test_hidden.py", "rubric.toml", "answer.md",
                    "labelled.toml", "known-wrong"):
        assert missing in details


def test_imports_of_solutions_are_caught(tmp_path):
    for folder in ("exercises", "grader"):
        (tmp_path / folder).mkdir()
    (tmp_path / "grader" / "sneaky.py").write_text("from solutions.q04 import solution\n")
    (tmp_path / "exercises" / "fine.py").write_text("import os\n")
    problems = list(import_problems(tmp_path))
    assert [p.detail for p in problems] == ["grader/sneaky.py imports solutions.q04"]


def test_the_project_passes_its_own_static_checks():
    catalog = load_catalog(REPO_ROOT / "exercises")
    assert [p for ex in catalog for p in folder_problems(ex, REPO_ROOT / "solutions")] == []
    assert list(import_problems(REPO_ROOT)) == []
