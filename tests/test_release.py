"""The student bundle holds what students need and nothing an instructor keeps."""
import pytest

from grader.config import load_settings
from grader.release import PUBLIC_FILES, build, leaks, secrets


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return build(load_settings(), tmp_path_factory.mktemp("release") / "bundle")


def test_bundle_has_the_workbook_public_files_and_a_readme(bundle):
    assert (bundle / "workbook.ipynb").is_file()
    assert "grader check workbook.ipynb" in (bundle / "README.md").read_text()
    names = {p.name for p in (bundle / "exercises").rglob("*") if p.is_file()}
    assert names <= set(PUBLIC_FILES) and {"prompt.md", "starter.py"} <= names


def test_no_reference_code_rubric_key_or_hidden_test_reaches_the_bundle(bundle):
    settings = load_settings()
    assert len(secrets(settings.solutions_dir, settings.exercises_dir)) > 10
    assert leaks(bundle, settings.solutions_dir, settings.exercises_dir) == []
    files = [p.name for p in bundle.rglob("*")]
    for private in ("test_hidden.py", "solution.py", "rubric.toml", "key.toml", "labelled.toml", "answer.md",
                    "reference.ipynb"):
        assert private not in files


def test_leak_detection_would_catch_a_copied_solution(tmp_path):
    settings = load_settings()
    bundle = build(settings, tmp_path / "bundle")
    solution = (settings.solutions_dir / "q04" / "solution.py").read_text()
    (bundle / "exercises" / "q04" / "starter.py").write_text(solution)
    assert any("q04" in leak and "solution.py" in leak for leak in
               leaks(bundle, settings.solutions_dir, settings.exercises_dir))


def test_building_over_a_folder_that_is_not_a_bundle_is_refused(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        build(load_settings(), tmp_path)
    assert (tmp_path / "precious.txt").exists()
