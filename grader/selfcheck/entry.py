"""``check()``, the call a student makes in a notebook cell, and the result it shows inline."""
from __future__ import annotations

import sys

from grader.selfcheck.run import _namespace, run_check


class CheckResult:
    """A self-check's result: shown inline in Jupyter (HTML, with a plain-text twin for front ends without HTML).

    ``score``, ``max_score``, ``percent``, ``passed`` and ``exercises`` read like the result document's;
    ``result`` is the full :class:`~grader.results.SubmissionResult`.
    """

    def __init__(self, result):
        self.result = result
        self._shown_in: tuple | None = None  # (shell id, execution count) of check()'s own display

    @property
    def score(self) -> float:
        return self.result.score

    @property
    def max_score(self) -> float:
        return self.result.max_score

    @property
    def percent(self) -> float:
        return round(100.0 * self.score / self.max_score, 1) if self.max_score else 0.0

    @property
    def passed(self) -> bool:
        """Every chosen exercise passed its public checks (and nothing went wrong in the grader)."""
        from grader.results import Outcome

        return (bool(self.result.exercises) and not self.result.grader_errors
                and all(ex.outcome is Outcome.PASSED for ex in self.result.exercises))

    @property
    def exercises(self):
        return self.result.exercises

    def to_dict(self) -> dict:
        return self.result.to_dict()

    def text(self) -> str:
        from grader.report.notebook import render_text

        return render_text(self.result)

    def html(self) -> str:
        from grader.report.notebook import render_html

        return render_html(self.result)

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return self.text()

    def _ipython_display_(self) -> None:
        """Publish both forms at once; skip the cell's trailing-expression echo after check() displayed it."""
        shell = _namespace()[1]
        here = (id(shell), getattr(shell, "execution_count", None))
        if self._shown_in == here and _from_displayhook():
            return
        from IPython.display import publish_display_data

        publish_display_data({"text/plain": self.text(), "text/html": self.html()})


def _from_displayhook() -> bool:
    """Whether IPython's displayhook (the cell's last expression being echoed) is what asks for the display."""
    hook = sys.modules.get("IPython.core.displayhook")
    if hook is None:
        return False
    code = hook.DisplayHook.__call__.__code__
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False


def check(*ids: str, exercises=None, notebook=None, device: str | None = None, timeout: float | None = None,
          show: bool = True) -> CheckResult:
    """Run the public tests of the named exercises (all of them when none is named) against this notebook's
    definitions, show the feedback inline and return it.

    ``check("q04")``, ``check("q04", "q09")`` or ``check()``.  ``exercises`` is the exercises folder (default:
    ``$GRADER_EXERCISES``, else ``./exercises`` when there is one, else the grader's own); ``notebook`` is the
    saved notebook file, for the written answers; ``device`` defaults to the grader's setting (``auto``: CUDA
    when torch sees it); ``timeout`` caps each call into your code (seconds, default the grader's limit);
    ``show=False`` only returns the result.
    """
    from grader.config import load_settings, resolve_device

    from grader.config import ConfigError

    settings = load_settings()
    namespace, shell = _namespace()
    try:
        result = CheckResult(run_check(ids, namespace=namespace, exercises_dir=exercises, notebook=notebook,
                                       device=resolve_device(device or settings.device),
                                       timeout=timeout or settings.limits.timeout))
    except (ConfigError, FileNotFoundError) as exc:  # a setup problem: one clear line, not a traceback
        result = CheckResult(_problem(str(exc)))
    if show:
        if shell is not None:
            from IPython.display import display

            display(result)
            result._shown_in = (id(shell), getattr(shell, "execution_count", None))
        else:
            print(result.text())
    return result


def _problem(message: str):
    """A result that holds only what stopped the check from running, so it shows as one line."""
    from grader import __version__
    from grader.results import SubmissionResult

    return SubmissionResult(submission="this notebook", path="", sha256="", score=0.0, max_score=0.0,
                            grader_errors=[message], grader_version=__version__, mode="check")
