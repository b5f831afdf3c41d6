"""What a suite talks to: the student's answers behind one small interface, and the errors it raises.

Two backends implement it: the grading sandbox (``grader.sandbox.host.session.Session``, a separate process that
the grader questions with plain data) and the notebook self-check (``grader.selfcheck.backend.LiveBackend``, the
student's own kernel).  Suites and the pytest plugin see only this protocol and these errors, so the same test
file serves both, and nothing a suite imports is an internal of either.
"""
from __future__ import annotations

from typing import Any, Protocol


class StudentError(Exception):
    """The student's code raised; carries only plain data about it (type, message, the student's own frames)."""

    def __init__(self, info: dict):
        self.info = info
        super().__init__(f"{info.get('type')}: {info.get('message')}")

    @property
    def type(self) -> str:
        return str(self.info.get("type", "Error"))

    def describe(self, with_frames: bool = True) -> str:
        """``Type: message (at the last frame)``, whatever shape the info has (a backend checks it; this holds
        even where one does not)."""
        text = f"{self.type}: {self.info.get('message', '')}".strip()
        frames = self.info.get("frames")
        if with_frames and isinstance(frames, list) and frames:
            text += f" (at {frames[-1]})"
        return text


class StudentTimeout(Exception):
    """The student's code ran past its time limit and was stopped."""


class StudentCrash(Exception):
    """The student's code ended the process it ran in (memory or CPU limit, exit, crash)."""


class Backend(Protocol):
    """The student's namespace, as a suite may question it.  Values in and out are plain data."""

    #: how a stopped call is described to the student ("the sandbox was stopped", "it was interrupted")
    stopped: str
    #: what to do about an answer that is not defined, or "" (the grader cannot tell a student to run cells)
    missing_hint: str

    def has(self, names) -> dict[str, str | None]: ...

    def get(self, name: str) -> Any: ...

    def put(self, key: str, value) -> None: ...

    def call(self, name: str, *args, timeout: float | None = None, device: str | None = None, **kwargs) -> Any: ...

    def harness(self, source: str, function: str, timeout: float | None = None, **params) -> Any: ...
