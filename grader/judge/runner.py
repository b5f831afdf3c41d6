"""Run the suites of some exercises against one backend, in this (trusted) process, with pytest.

Two ways: ``run_suites`` is one pytest session for one submission (a single grade, a self-check), and
``keep_suites`` is one session for a whole batch on a grading worker: the suites are collected once and their
tests are run again for each submission.  Collecting 57 suite files and starting a session cost about 0.2 s,
which a batch would otherwise pay per notebook.
"""
from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
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


# No third-party plugin is loaded from entry points: the suites need none, and one (hypothesis's, in an
# environment with the test extras) costs about 3 s on the first session of every grading process.
_BASE_ARGS = ["-c", str(INI), "--rootdir", str(INI.parent), "--import-mode=importlib", "--disable-plugin-autoload"]
for _name in UNUSED_PLUGINS:
    _BASE_ARGS += ["-p", f"no:{_name}"]


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
    args = _BASE_ARGS + ["-q", "--tb=no", "--no-header"] + list(extra_args)
    args += [str(p) for p in files]
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = pytest.main(args, plugins=[plugin])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        plugin.grader_errors.append(f"pytest could not run the suites (exit {int(code)}): "
                                    f"{sink.getvalue()[-1500:]}")
    return plugin


class KeptSuites:
    """The tests of one pytest session, collected once, run again for each submission of a batch.

    Each run goes through pytest's own per-test protocol (``pytest_runtest_protocol``, as pytest's own loop and
    pytest-xdist's workers call it), so fixtures, marks and reports behave as in a fresh session: the last test's
    teardown is given no next test, which tears every fixture down before the next submission.
    """

    def __init__(self, session, plugin: GraderPlugin, files: dict):
        self._session = session
        self._plugin = plugin
        self.files = dict(files)
        self.broken = ""  # why this session can no longer be trusted to run a submission cleanly, if it cannot

    def run(self, backend, submission, on_case=None) -> GraderPlugin:
        """Every kept test against *backend*; the returned plugin's cases are this submission's alone.

        Whatever stops a run midway is raised again, after everything the run had set up is torn down, so the
        next submission starts from a clean session (or, where that fails, ``broken`` says why and the caller
        gives each later submission a session of its own)."""
        plugin = self._plugin
        plugin.begin(backend, submission, on_case)
        items = self._session.items
        if self._session._setupstate.stack:  # left by a run that stopped where this class could not see it
            self._reset(None)
        sink = io.StringIO()  # a suite's stray print must not reach the batch's terminal
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            for i, item in enumerate(items):
                if getattr(item, "_report_sections", None):
                    item._report_sections = []  # captured text would otherwise pile up run after run
                try:
                    item.ihook.pytest_runtest_protocol(item=item,
                                                       nextitem=items[i + 1] if i + 1 < len(items) else None)
                except BaseException:
                    self._reset(item)
                    raise
        return plugin

    def _reset(self, item) -> None:
        """Tear down every fixture and node still set up, and forget *item*'s half-used fixture request."""
        if item is not None and hasattr(item, "_request"):
            item._request = False  # pytest makes a fresh request for an item whose request is falsy
            item.funcargs = None
        state = self._session._setupstate
        try:
            state.teardown_exact(None)
        except Exception as exc:  # noqa: BLE001 - a suite's finalizer failed; the stack is empty all the same
            if state.stack:
                self.broken = f"{type(exc).__name__}: {exc}"[:300]
        if state.stack:
            self.broken = self.broken or "fixtures were left set up"


class _Keeper:
    """pytest plugin: after collection, hand the kept tests to ``serve`` instead of running them once."""

    def __init__(self, plugin: GraderPlugin, files: dict, serve: Callable[[KeptSuites | None], None]):
        self._plugin = plugin
        self._files = files
        self._serve = serve
        self.served = False
        self.error: BaseException | None = None

    def pytest_configure(self, config):
        # The terminal reporter is not loaded (it would print for every test of the whole batch); this is the
        # one setting of its that matters: failures are reported as cases, so pytest need not format tracebacks.
        config.option.tbstyle = "no"

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        if session.testsfailed:  # a suite that cannot be collected: one-shot sessions report it per submission
            return True
        self.served = True
        try:
            self._serve(KeptSuites(session, self._plugin, self._files))
        except BaseException as exc:  # noqa: BLE001 - pytest would swallow it; keep_suites raises it again
            self.error = exc
        return True


def keep_suites(files: dict[Path, tuple[Exercise, Visibility]], device: str, data_loaders: dict,
                serve: Callable[[KeptSuites | None], None]) -> None:
    """Collect *files* once and call ``serve(kept)`` inside the session; ``kept.run`` grades one submission.

    ``serve`` gets None when the suites cannot be kept (nothing to run, or a suite fails to collect): the
    caller then runs a one-shot session per submission, which reports the problem in each result.
    Exceptions raised by ``serve`` come out of this call.
    """
    if not files:
        serve(None)
        return
    plugin = GraderPlugin(None, None, files, device, data_loaders)
    keeper = _Keeper(plugin, files, serve)
    args = _BASE_ARGS + ["-p", "no:terminal", "-p", "no:capture"] + [str(p) for p in files]
    # Not redirected as run_suites is: ``serve`` is the batch loop, whose progress must reach the terminal.
    # Without its terminal reporter pytest prints nothing here, and each run hides the suites' own prints.
    pytest.main(args, plugins=[plugin, keeper])
    if keeper.error is not None:
        raise keeper.error
    if not keeper.served:
        serve(None)
