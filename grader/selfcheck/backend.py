"""The self-check's backend: the :class:`~grader.judge.backend.Backend` protocol served from the student's live
namespace in this process, with every value passed through the sandbox's plain-data encoding."""
from __future__ import annotations

import contextlib
import functools
import os
import signal
import threading
import time
import traceback
import types
from pathlib import Path

from grader.sandbox.inside import wire  # standard library only: importing it keeps `import grader` cheap


class _TimedOut(BaseException):
    """Raised in the student's code by the time limit's alarm; a BaseException so ``except Exception`` in student
    code does not swallow it."""


class LiveBackend:
    """The sandbox session's interface, served from a live namespace in this process.

    ``namespace`` is the student's globals (a dict).  Values crossing in either direction are passed through
    :func:`grader.sandbox.inside.wire.encode` and :func:`~grader.sandbox.inside.wire.decode`, so what a test receives is the
    same plain data a sandbox would have sent, and what student code receives is a copy the test does not share.
    """

    stopped = "it was interrupted"
    missing_hint = "Run the cell that defines it (and the cells before it), then check again."

    def __init__(self, namespace: dict, timeout: float | None = None):
        self.namespace = namespace
        self.timeout = timeout
        self.store: dict = {}  # data a test put for harness functions
        self.interrupted = False  # the student pressed stop while their code ran
        self._harnesses: dict[str, types.ModuleType] = {}

    # The sandbox session's methods -----------------------------------------------------------------------------
    def has(self, names) -> dict:
        return {name: _kind(self.namespace[name]) if name in self.namespace else None for name in names}

    def get(self, name: str):
        if name not in self.namespace:
            raise _student_error("NameError", f"name {name!r} is not defined")
        return self._answer(lambda: self.namespace[name], None)

    def put(self, key: str, value) -> None:
        self.store[key] = _as_sent(value)

    def call(self, name: str, *args, timeout: float | None = None, device: str | None = None, **kwargs):
        function = self.namespace.get(name)
        if function is None:
            raise _student_error("NameError", f"name {name!r} is not defined")
        args = wire.to_device(_as_sent(list(args)), device)
        kwargs = _as_sent(kwargs)
        return self._answer(lambda: function(*args, **kwargs), timeout)

    def harness(self, source: str, function: str, timeout: float | None = None, **params):
        helper = getattr(self._harness_module(source), function)
        params = _as_sent(params)
        return self._answer(lambda: helper(self.namespace, self.store, **params), timeout)

    # ------------------------------------------------------------------------------------------------ internals
    def _harness_module(self, source: str) -> types.ModuleType:
        module = self._harnesses.get(source)
        if module is None:
            module = types.ModuleType("harness")
            exec(compile(source, "<harness>", "exec"), module.__dict__)  # public helper code, not the student's
            self._harnesses[source] = module
        return module

    def _answer(self, compute, timeout: float | None):
        """Run student-facing work; its value as plain data, or a StudentError / StudentTimeout as the sandbox
        session would raise."""
        from grader.judge.backend import StudentTimeout

        limit = timeout or self.timeout
        try:
            with _time_limit(limit):
                value = compute()
        except _TimedOut:
            raise StudentTimeout(f"took longer than {limit:g} s") from None
        except KeyboardInterrupt:
            self.interrupted = True
            raise
        except SystemExit as exc:
            raise _student_error("SystemExit", f"sys.exit({exc.code!r}) was called during the test") from None
        except BaseException as exc:  # noqa: BLE001 - every student failure becomes data, as in the sandbox
            raise _student_error_from(exc) from None
        return _reply(value)


def _kind(value) -> str:
    if isinstance(value, type):
        return "class"
    if callable(value):
        return "function"
    return type(value).__name__


def _as_sent(value):
    """*value* as the other side of the sandbox would receive it (raises WireError when it is not plain data)."""
    return wire.decode(wire.encode(value))


def _reply(value):
    """A student's value as the grader would receive it from a sandbox."""
    from grader.sandbox.host.process import REPLY_LIMITS

    try:
        return wire.decode(wire.encode(value), REPLY_LIMITS)
    except wire.WireError as exc:
        raise _student_error("NotPlainData", str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - a hostile __len__ or __iter__ while encoding
        raise _student_error("NotPlainData", f"the value could not be read: {type(exc).__name__}") from None


def _student_error(kind: str, message: str):
    from grader.judge.backend import StudentError

    return StudentError({"type": kind, "message": message, "frames": [], "lineno": None})


@functools.lru_cache(maxsize=1)
def _library_roots() -> tuple[str, ...]:
    import sysconfig

    roots = {str(Path(__file__).resolve().parent.parent)}  # the grader package: its frames are not the student's
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        with contextlib.suppress(KeyError):
            roots.add(str(Path(sysconfig.get_paths()[key]).resolve()))
    return tuple(sorted(roots))


def _frame_label(filename: str) -> str:
    if "ipykernel_" in filename or filename.startswith("<ipython-input"):
        return "notebook cell"
    return Path(filename).name if os.sep in filename else filename


def _student_error_from(exc: BaseException):
    """An exception from student code as the plain data a sandbox sends: type, message, the student's frames."""
    roots = _library_roots()
    frames = [f for f in traceback.extract_tb(exc.__traceback__)  # this module's, torch's, ... are left out
              if not os.path.realpath(f.filename).startswith(roots)]
    lines = [f"{_frame_label(f.filename)}, line {f.lineno}, in {f.name}: {(f.line or '').strip()}"
             for f in frames[-6:]]
    try:
        message = str(exc)
    except BaseException:  # noqa: BLE001 - a hostile __str__
        message = "<unprintable message>"
    from grader.judge.backend import StudentError

    return StudentError({"type": type(exc).__name__, "message": message[:2000], "frames": lines,
                         "lineno": frames[-1].lineno if frames else None})


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Interrupt the student's code after *seconds* (main thread on Unix only; elsewhere no limit)."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise _TimedOut()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    earlier, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    began = time.monotonic()
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # even when the alarm went off on the line above
            signal.signal(signal.SIGALRM, previous)
        if earlier:  # someone else's alarm was pending: give it back what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(earlier - (time.monotonic() - began), 0.001))
