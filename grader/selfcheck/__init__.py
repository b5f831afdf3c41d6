"""Self-check inside the student's own notebook: ``from grader import check`` then ``check("q04")``.

``check()`` runs the *public* test files of the chosen exercises (``exercises/<id>/test_public.py``, the same
files ``grader check`` runs; hidden suites and the solutions folder are never involved) against the names the
student has defined in the running kernel, and shows the result inline: a score bar, one row per case with its
outcome as a symbol and a word, expected and actual values for failed public cases, and hints.

How it differs from grading
---------------------------
Grading runs student code once in a sandbox and questions it with plain data.  Here there is no sandbox and no
new process: :class:`LiveBackend` has the sandbox session's methods (``has``, ``get``, ``call``, ``put``,
``harness``) but reads the student's objects straight from the notebook's namespace (IPython's ``user_ns``, or
``__main__`` outside IPython).  Every argument and every answer still goes through the sandbox's plain-data
encoding (:mod:`grader.sandbox.inside.wire`, encode then decode), so values compare exactly as they do when graded: a
generator is refused as it would be, a tensor comes back as a fresh plain tensor, and the student's function
works on its own copy of the test's inputs.

This is a convenience, not a defence.  Student code runs in the same process as the tests, so it *can* patch
torch, the comparison helpers or this module and make its own self-check pass; that fools only the student,
because the grade comes from the hidden tests run against the sandboxed notebook.  The footer of every result
says so.

Each call into student code stops after ``timeout`` seconds (a timer signal, main thread on Unix), the random
generators' states are put back after the tests, and nothing is started: the runner's pytest session runs in
this process without loading pytest plugins from entry points (any installed plugin would run on every
check), and the catalogue is kept between calls, so a small exercise is quick after the first check.

Written answers live in markdown cells, which the kernel cannot see; they are checked (only for being there, as
``grader check`` does) when the notebook file is known: ``check(..., notebook="workbook.ipynb")``, or found
from what VS Code or Jupyter tell the kernel.  Otherwise their points are left out of the self-check's score
and the result says so.
"""
from __future__ import annotations

from grader.selfcheck.backend import LiveBackend
from grader.selfcheck.entry import CheckResult, check
from grader.selfcheck.run import WRITTEN_NOTE, notebook_file, run_check
from grader.selfcheck.source import LiveSource

__all__ = ["CheckResult", "LiveBackend", "LiveSource", "WRITTEN_NOTE", "check", "notebook_file", "run_check"]
