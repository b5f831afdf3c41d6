"""The Python a sandbox runs: the grader's own, or another one named with ``--python`` (an environment where,
say, fastai is installed).

Another interpreter is asked once, in a process of its own, what it is: its version, the folders it needs (its
installation, its virtualenv, its site-packages; the sandbox shows exactly these, read only) and whether it can
import torch, which every exercise uses.  When it cannot serve as a sandbox the error says what to do, instead of
every exercise failing with a message about the sandbox.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.config import ConfigError

MIN_VERSION = (3, 9)  # socket.send_fds/recv_fds, used by warm starts
_ASK = r"""
import importlib.util, json, os, sys
info = {"version": list(sys.version_info[:3]), "executable": os.path.realpath(sys.executable),
        "prefixes": [sys.prefix, sys.base_prefix, sys.exec_prefix],
        "site": [p for p in sys.path if p and ("site-packages" in p or "dist-packages" in p)]}
spec = importlib.util.find_spec("grader")
info["grader"] = list(spec.submodule_search_locations or []) if spec else []
try:
    import torch
    info["torch"] = torch.__version__
except BaseException as exc:
    info["torch_error"] = f"{type(exc).__name__}: {exc}"
print("GRADER-INTERPRETER " + json.dumps(info))
"""


class InterpreterError(ConfigError):
    """The interpreter named with ``--python`` cannot run a sandbox; the message says why and what to do."""


@dataclass(frozen=True)
class Interpreter:
    path: str
    version: tuple[int, ...]
    executable: str
    prefixes: tuple[str, ...]
    site: tuple[str, ...]
    grader: tuple[str, ...]  # where that interpreter would import a grader package from (never shown to it)
    torch: str

    def roots(self) -> list[Path]:
        """Folders the sandbox must show, read only: outermost ones only."""
        found = {Path(self.executable).parent.parent, *map(Path, self.prefixes), *map(Path, self.site)}
        found = {Path(os.path.realpath(p)) for p in found if Path(p).exists()}
        return sorted(r for r in found if not any(o != r and o in r.parents for o in found))


def is_own(python: str | None) -> bool:
    """True when *python* is (or defaults to) the interpreter the grader runs on.  Paths are compared as given,
    not resolved: every virtualenv's python links to the same base interpreter, with different packages."""
    return python is None or os.path.abspath(python) == os.path.abspath(sys.executable)


@functools.lru_cache(maxsize=8)
def inspect(python: str) -> Interpreter:
    """Ask *python* what it is; :class:`InterpreterError` with a clear remedy when it cannot run a sandbox."""
    path = shutil.which(python) or python
    if not os.path.exists(path):
        raise InterpreterError(f"--python {python}: no such file (give the path of a python executable, e.g. "
                               "/path/to/env/bin/python)")
    if os.path.isdir(path) or not os.stat(path).st_mode & 0o111 or not os.access(path, os.X_OK):
        raise InterpreterError(f"--python {python}: not an executable file")
    try:
        done = subprocess.run([path, "-I", "-c", _ASK], capture_output=True, text=True, timeout=180,
                              env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InterpreterError(f"--python {python} could not be run: {exc}") from None
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("GRADER-INTERPRETER ")]
    if not lines:
        why = (done.stderr.strip().splitlines() or ["it printed nothing"])[-1]
        raise InterpreterError(f"--python {python} is not a Python the grader can use ({why[:300]}); the sandbox "
                               f"needs Python {'.'.join(map(str, MIN_VERSION))} or newer with torch installed")
    info = json.loads(lines[-1].split(" ", 1)[1])
    version = tuple(info["version"])
    if version[:2] < MIN_VERSION:
        raise InterpreterError(f"--python {python} is Python {'.'.join(map(str, version))}; the sandbox needs "
                               f"{'.'.join(map(str, MIN_VERSION))} or newer")
    if "torch" not in info:
        raise InterpreterError(f"--python {python} cannot import torch ({info.get('torch_error', 'unknown')}); "
                               f"every exercise needs it: install it into that environment, e.g. "
                               f"{path} -m pip install torch")
    return Interpreter(path, version, info["executable"], tuple(info["prefixes"]), tuple(info["site"]),
                       tuple(info["grader"]), info["torch"])
