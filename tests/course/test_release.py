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
    wheel = install["env"]["GRADER_PACKAGE"].split("'")[1]
    assert "torch==2.13.0" in install["run"] and (bundle / wheel).is_file()  # the bundle ships what it installs
    check = next(s for s in steps if s.get("run", "").startswith("grader check"))
    assert check["env"]["MIN_SCORE"] == "${{ vars.MIN_SCORE || '100%' }}"
    argv = shlex.split(check["run"].replace("$MIN_SCORE", "100%"))
    monkeypatch.chdir(bundle)
    done = CliRunner().invoke(main, argv[1:] + ["-e", "q04,q09"])
    assert done.exit_code == 1  # the starter workbook does not pass yet: the build fails, as it should
    assert (bundle / "reports" / "report.html").read_text().lower().startswith("<!doctype html>")
    assert "<testsuites" in (bundle / "reports" / "junit.xml").read_text()
    assert "is below the required 100.0%" in done.output


def test_an_install_line_given_at_release_replaces_the_shipped_wheel(tmp_path):
    bundle = build(load_settings(), tmp_path / "bundle", install="mnist-grader==0.1.0")
    assert not (bundle / "wheels").exists()
    assert "pip install mnist-grader==0.1.0" in (bundle / "README.md").read_text()
    assert "'mnist-grader==0.1.0'" in (bundle / ".github" / "workflows" / "check.yml").read_text()


@pytest.mark.timeout(900)
def test_a_student_with_only_the_bundle_can_check_in_a_fresh_environment(bundle, tmp_path):
    """The bundle README's steps and the workflow's, as a student would run them: a new virtual environment,
    torch, the grader from the bundle, then ``grader check`` from the bundle's folder (no source checkout)."""
    import os
    import re
    import subprocess
    import sys

    import yaml

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    steps = yaml.safe_load((bundle / ".github" / "workflows" / "check.yml").read_text())["jobs"]["check"]["steps"]
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    package = re.search(r"'([^']+)'", install["env"]["GRADER_PACKAGE"]).group(1)
    script = install["run"].replace(" --index-url https://download.pytorch.org/whl/cpu", "")  # the local mirror
    check = next(s for s in steps if s.get("run", "").startswith("grader check"))
    script += "\nset +e\n" + check["run"].replace("$MIN_SCORE", "100%").replace("\n", " ") + " -e q04,q09\necho status=$?\n"
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "GRADER_PACKAGE": package,
           "VIRTUAL_ENV": str(venv), "PYTHONPATH": ""}
    env.pop("GRADER_EXERCISES", None)
    script = script.replace("python -m pip install --upgrade pip\n", "")  # the pip the venv has is enough here
    done = subprocess.run(["bash", "-c", "set -e\n" + script], cwd=bundle, env=env, capture_output=True, text=True)
    output = done.stdout + done.stderr
    assert "status=1" in output, output[-3000:]  # the untouched starter does not pass: the build fails
    assert "q04" in output and "q09" in output and "Traceback" not in output
    assert "is below the required 100.0%" in output
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import grader; print(grader.__file__)"],
                           capture_output=True, text=True, env=env, cwd=bundle).stdout
    assert str(venv) in where  # the bundle's wheel, not this checkout
    notebook = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import os; os.chdir(os.environ['HOME']); from grader import check; "
         "r = check('q04', exercises=os.environ['BUNDLE'] + '/exercises', show=False); print('score', r.score, r.max_score)"],
        capture_output=True, text=True, env={**env, "HOME": str(tmp_path), "BUNDLE": str(bundle)})
    assert "score 0.0 2.0" in notebook.stdout, notebook.stdout + notebook.stderr
