"""The student bundle holds what students need and nothing an instructor keeps."""
import pytest

from grader.config import load_settings
from grader.course.release import PUBLIC_FILES, build, leaks, secrets


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


def test_the_bundle_workflow_is_a_valid_github_actions_workflow(bundle):
    """Checked against the GitHub workflow schema that check-jsonschema vendors (no network needed)."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    workflow = bundle / ".github" / "workflows" / "check.yml"
    tool = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    if not Path(tool).exists():
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]')")
    done = subprocess.run([tool, "--builtin-schema", "vendor.github-workflows", str(workflow)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = workflow.parent / "broken.yml"
    broken.write_text(workflow.read_text().replace("runs-on:", "runs_on:"))
    try:
        assert subprocess.run([tool, "--builtin-schema", "vendor.github-workflows", str(broken)],
                              capture_output=True).returncode != 0
    finally:
        broken.unlink()


def test_the_workflow_runs_the_check_it_promises(bundle, tmp_path, monkeypatch):
    """The workflow's own command line, with its default variables, against the untouched workbook."""
    import shlex

    import yaml
    from click.testing import CliRunner

    from grader.cli import main

    steps = yaml.safe_load((bundle / ".github" / "workflows" / "check.yml").read_text())["jobs"]["check"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"] and "actions/upload-artifact" in uses
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "reports/"
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert "torch==2.13.0" in install["run"] and "mnist-grader==" in install["env"]["GRADER_PACKAGE"]
    check = next(s for s in steps if s.get("run", "").startswith("grader check"))
    assert check["env"]["MIN_SCORE"] == "${{ vars.MIN_SCORE || '100%' }}"
    argv = shlex.split(check["run"].replace("$MIN_SCORE", "100%"))
    monkeypatch.chdir(bundle)
    done = CliRunner().invoke(main, argv[1:] + ["-e", "q04,q09"])
    assert done.exit_code == 1  # the starter workbook does not pass yet: the build fails, as it should
    assert (bundle / "reports" / "report.html").read_text().lower().startswith("<!doctype html>")
    assert "<testsuites" in (bundle / "reports" / "junit.xml").read_text()
    assert "is below the required 100.0%" in done.output
