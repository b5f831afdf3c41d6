"""Run the suites of some exercises against one backend, in this (trusted) process, with pytest."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from grader.catalog import Exercise
from grader.judge.plugin import GraderPlugin
from grader.results import Visibility

INI = Path(__file__).with_name("pytest.ini")
# pytest plugins a grading pass never uses.  Each costs time on every submission: ``unraisableexception`` and
# ``threadexception`` run a full garbage collection at the end of a session (0.2 s), ``logging`` adds and
# removes handlers around every test phase, ``warnings`` records warnings per test (suites report through the
# ``record`` fixture, never through warnings), and ``randomly`` would reorder cases.
UNUSED_PLUGINS = ("cacheprovider", "randomly", "unraisableexception", "threadexception", "logging", "warnings",
                  "faulthandler", "doctest", "junitxml", "pastebin", "nose", "legacypath", "stepwise")


def suite_files(exercises: list[Exercise], solutions_dir: Path | None) -> dict[Path, tuple[Exercise, Visibility]]:
    """Public tests always; hidden tests too when a solutions folder is given (grading, not self-checking)."""
    files = {}
    for exercise in exercises:
        if exercise.public_tests.is_file():
            files[exercise.public_tests] = (exercise, Visibility.PUBLIC)
        if solutions_dir is not None:
            hidden = exercise.hidden_tests(solutions_dir)
            if hidden.is_file():
                files[hidden] = (exercise, Visibility.HIDDEN)
    return files


def run_suites(backend, submission, files: dict[Path, tuple[Exercise, Visibility]], device: str,
               data_loaders: dict, on_case=None, extra_args: tuple[str, ...] = ()) -> GraderPlugin:
    """Run every file's tests; the plugin holds the cases.  pytest's own output is kept off the terminal.

    *extra_args* go to pytest before the files (the notebook self-check passes ``-s``: a Jupyter kernel's
    standard streams must not be swapped at the descriptor level).
    """
    plugin = GraderPlugin(backend, submission, files, device, data_loaders, on_case)
    if not files:
        return plugin
    # No third-party plugin is loaded from entry points: the suites need none, and one (hypothesis's, in an
    # environment with the test extras) costs about 3 s on the first session of every grading process.
    args = ["-c", str(INI), "--rootdir", str(INI.parent), "--import-mode=importlib", "-q", "--tb=no",
            "--no-header", "--disable-plugin-autoload"]
    for name in UNUSED_PLUGINS:
        args += ["-p", f"no:{name}"]
    args += list(extra_args)
    args += [str(p) for p in files]
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = pytest.main(args, plugins=[plugin])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        plugin.grader_errors.append(f"pytest could not run the suites (exit {int(code)}): "
                                    f"{sink.getvalue()[-1500:]}")
    return plugin
