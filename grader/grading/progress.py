"""Progress of a batch on a terminal: a bar with an ETA, one line per submission that needs attention.

On a terminal the bar is redrawn in place; anywhere else (a log file, CI) every submission gets one plain line,
because a carriage-return animation is noise in a log.  The ETA comes from the throughput so far, which with
several workers is what matters (one submission's own time says little about when the batch ends).
"""
from __future__ import annotations

import time
from typing import TextIO

from grader.results import Outcome, SubmissionResult

WIDTH = 28


def trouble(result: SubmissionResult) -> str | None:
    """Why a submission needs a look, in a few words, or None when it was graded normally."""
    if result.grader_errors:
        return "grader error: " + result.grader_errors[0].splitlines()[0][:120]
    if result.load_error is not None:
        return "unreadable: " + result.load_error.message[:120]
    if result.incidents:
        first = result.incidents[0]
        more = f" (+{len(result.incidents) - 1} more)" if len(result.incidents) > 1 else ""
        return f"{first['kind']}: {first['message'][:110]}{more}"
    if result.exercises and all(ex.outcome is Outcome.TIMEOUT for ex in result.exercises):
        return "timed out"
    return None


def clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    def __init__(self, stream: TextIO, tty: bool):
        self.stream = stream
        self.tty = tty
        self.total = 0
        self.done = 0
        self.failed = 0
        self.began = time.monotonic()

    def plan(self, total: int, todo: int, skipped: int) -> None:
        self.total, self.began = todo, time.monotonic()
        if skipped:
            self._line(f"{skipped} of {total} submissions are already graded and unchanged: skipped "
                       "(--force regrades them)")
        self._line(f"grading {todo} submission{'s' if todo != 1 else ''}")
        self._draw()

    def result(self, result: SubmissionResult, number: int) -> None:
        self.done = number
        why = trouble(result)
        self.failed += why is not None
        pct = 100 * result.score / result.max_score if result.max_score else 0.0
        seconds = result.timings.get("total", 0.0)
        if why:
            self._line(f"[{number}/{self.total}] {result.submission}: {why}")
        elif not self.tty:
            self._line(f"[{number}/{self.total}] {result.submission}: {round(result.score, 2):g}/"
                       f"{result.max_score:g} ({pct:.0f}%) in {seconds:.1f} s")
        self._draw()

    def note(self, text: str) -> None:
        self._line(text)
        self._draw()

    def eta(self) -> float | None:
        if not self.done:
            return None
        rate = (time.monotonic() - self.began) / self.done
        return rate * (self.total - self.done)

    def bar(self) -> str:
        share = self.done / self.total if self.total else 1.0
        filled = int(WIDTH * share)
        eta = self.eta()
        tail = f"ETA {clock(eta)}" if eta is not None and self.done < self.total else \
            f"elapsed {clock(time.monotonic() - self.began)}"
        fails = f" · {self.failed} {'needs' if self.failed == 1 else 'need'} a look" if self.failed else ""
        return f"[{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total} {100 * share:3.0f}% {tail}{fails}"

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def _line(self, text: str) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K")
        self.stream.write(text + "\n")
        self.stream.flush()

    def _draw(self) -> None:
        if self.tty and self.total:
            self.stream.write("\r\x1b[K" + self.bar())
            self.stream.flush()
