"""The student bundle: everything a student needs to work and self-check, and nothing an instructor keeps.

It is built only from ``exercises/`` (an allow-list of file names per exercise), so reference code, keys,
rubrics, labelled answers and hidden suites cannot reach it; :func:`leaks` double-checks the written bundle for
any text of theirs.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from grader import __version__
from grader.catalog import load_catalog
from grader.config import REPO_ROOT, Settings, tomllib

PUBLIC_FILES = ("exercise.toml", "prompt.md", "starter.py", "test_public.py", "harness.py")

README = """# Chapter 4 exercises: Under the Hood: Training a Digit Classifier

Work in `workbook.ipynb`, top to bottom. Each exercise has a prompt, a code cell and, where the question asks
for an explanation, an answer cell (keep the first line of each cell: it tells the grader what the cell answers).

## Check your work

Install the grader once (it is `mnist-grader` version {version}), in a virtual environment if you like. On a
CPU-only machine install the CPU build of torch first:

    python3 -m venv .venv && . .venv/bin/activate     # optional: a fresh environment
    pip install torch==2.13.0                          # or your own torch build
    pip install {install}

Then, from this folder:

    grader check workbook.ipynb            # every exercise
    grader check workbook.ipynb -e q04     # one exercise
    grader check workbook.ipynb -v         # with expected and actual values

Or check from inside the notebook, with the feedback shown under the cell (it finds `exercises/` next to the
workbook; save the notebook first so written answers count):

    from grader import check
    check("q04")                  # check() for every exercise

These are the public tests in `exercises/<id>/test_public.py`. Passing them means your answers have the right
form and pass the simple cases; your instructor grades with further hidden tests on inputs you have not seen,
checks multiple-choice answers against the key and scores written answers against a rubric, so make your code
right for every input, not just the examples. The exit status is 0 only when every public test passes, so the
same command works in CI.

## Check on every push (GitHub Actions)

`.github/workflows/check.yml` runs the same check on GitHub for every push and pull request, and keeps the HTML
report (and a JUnit file) as an artifact named `grader-report`. Two optional repository variables (Settings →
Secrets and variables → Actions → Variables) tune it: `GRADER_PACKAGE`, what `pip install` gets the grader from
(default `{install}`), and `MIN_SCORE`, the share of points the build needs (default `100%`; e.g.
`80%` or `0.8`). Locally, the same options work:

    grader check workbook.ipynb --min-score 80% --html report.html --junit junit.xml
"""

WORKFLOW = """# Runs the public tests on every push and pull request; the report is kept as an artifact.
name: Check my work

on:
  push:
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

jobs:
  check:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install torch (CPU build) and the grader
        env:
          GRADER_PACKAGE: ${{{{ vars.GRADER_PACKAGE || '{install}' }}}}
        run: |
          python -m pip install --upgrade pip
          pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
          pip install "$GRADER_PACKAGE"
      - name: Run the public tests
        env:
          MIN_SCORE: ${{{{ vars.MIN_SCORE || '100%' }}}}
        run: >-
          grader check workbook.ipynb
          --junit reports/junit.xml --html reports/report.html --min-score "$MIN_SCORE"
      - name: Keep the report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: grader-report
          path: reports/
          if-no-files-found: warn
"""


def build(settings: Settings, out_dir: Path, install: str | None = None) -> Path:
    """Write the bundle to *out_dir* (replacing an earlier bundle there) and return it.

    Students install the grader with *install* (what ``pip install`` takes: a package spec, a git URL); without
    one, the grader's own wheel is built into ``wheels/`` of the bundle, so the bundle works as shipped."""
    if out_dir.exists():
        if not (out_dir / "workbook.ipynb").is_file():
            raise FileExistsError(f"{out_dir} exists and is not a student bundle; choose another folder")
        shutil.rmtree(out_dir)
    exercises = out_dir / "exercises"
    exercises.mkdir(parents=True)
    for ex in load_catalog(settings.exercises_dir):
        target = exercises / ex.id
        target.mkdir()
        for name in PUBLIC_FILES:
            if (ex.folder / name).is_file():
                shutil.copy2(ex.folder / name, target / name)
    shutil.copy2(settings.exercises_dir / "workbook.ipynb", out_dir / "workbook.ipynb")
    install = install or f"wheels/{build_wheel(out_dir / 'wheels').name}"
    (out_dir / "README.md").write_text(README.format(version=__version__, install=install), encoding="utf-8")
    workflows = out_dir / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "check.yml").write_text(WORKFLOW.format(version=__version__, install=install), encoding="utf-8")
    return out_dir


class ReleaseError(RuntimeError):
    """The bundle cannot be made as asked (no wheel can be built here and no install line was given)."""


def build_wheel(folder: Path) -> Path:
    """The grader's wheel, built from its source into *folder* (it holds the engine only: no solutions)."""
    if not (REPO_ROOT / "pyproject.toml").is_file():
        raise ReleaseError("this grader was installed from a wheel, so it cannot build one: give students an install "
                           "line with --install (e.g. --install \"mnist-grader==0.1.0\" or a git URL)")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(folder), str(REPO_ROOT)], capture_output=True, text=True)
    wheels = sorted(folder.glob("mnist_grader-*.whl"))
    if done.returncode != 0 or not wheels:
        raise ReleaseError(f"building the grader's wheel failed: {(done.stderr or done.stdout).strip()[-500:]}")
    return wheels[-1]


def secrets(solutions_dir: Path, exercises_dir: Path) -> list[tuple[str, str]]:
    """(where, text) fragments that must never appear in a bundle: lines of reference code that no public file of
    the exercise also has, reference answers, rubric concepts and the key's feedback."""
    found = []
    for path in sorted(solutions_dir.glob("*/solution.py")):
        public = "\n".join(p.read_text(encoding="utf-8") for p in (exercises_dir / path.parent.name).glob("*")
                           if p.is_file())
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if len(text) >= 24 and text not in public and not text.startswith("#"):
                found.append((str(path), text))
    for path in sorted(solutions_dir.glob("*/answer.md")):
        text = path.read_text(encoding="utf-8").strip()
        if text:
            found.append((str(path), text[:60]))
    for path in sorted(solutions_dir.glob("*/rubric.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for concept in data.get("concepts", []) + data.get("misconceptions", []):
            if len(concept["name"]) >= 25:
                found.append((str(path), concept["name"]))
    for path in sorted(solutions_dir.glob("*/key.toml")):
        for text in tomllib.loads(path.read_text(encoding="utf-8")).get("feedback", {}).values():
            if len(text) >= 25:
                found.append((str(path), text[:60]))
    return found


def leaks(bundle: Path, solutions_dir: Path, exercises_dir: Path) -> list[str]:
    """Secrets whose text appears in any file of the bundle (should always be empty)."""
    texts = {}
    for p in bundle.rglob("*"):
        if p.suffix == ".whl":  # the grader's wheel: every file inside it, as text
            with zipfile.ZipFile(p) as wheel:
                for name in wheel.namelist():
                    texts[p / name] = wheel.read(name).decode("utf-8", errors="replace")
        elif p.is_file():
            texts[p] = p.read_text(encoding="utf-8", errors="replace")
    out = []
    for where, secret in secrets(solutions_dir, exercises_dir):
        for path, text in texts.items():
            if secret in text:
                out.append(f"{path.relative_to(bundle)} contains text from {where}: {secret[:60]!r}")
    return out
