"""The sandbox side: run a student's cells once, then answer requests with plain data.

This file runs *inside* the sandbox, as a script, next to a copy of ``wire.py``.  It must not import the
``grader`` package (the sandbox cannot see it) and it holds no secret: no hidden test, no solution, no label.

Protocol (frames as in ``wire.py``; requests on the descriptor given as argv[1], replies on argv[2]):

* ``{"op": "exec", "cells": [{"index", "exercise", "source"}], "skip": [index, ...], "harnesses": [source, ...]}``
  executes the harness modules first, then -> for each cell an
  event ``{"event": "cell_start", "index"}`` then ``{"event": "cell_end", "index", "error", "defined"}`` (the
  names it bound, among those its code spells), then ``{"event": "exec_done"}``.  The start event lets the
  grader tell which cell killed or hung the process.
* ``{"op": "has", "names": [...]}`` -> ``{"ok": {name: kind-or-None}}``
* ``{"op": "where", "names": [...]}`` -> ``{"ok": {name: [cell, line] or None}}``: where each name's code was written
* ``{"op": "get", "name"}`` -> ``{"ok": value}`` (a variable's value, e.g. a multiple-choice answer)
* ``{"op": "call", "name", "args", "kwargs", "device"}`` -> ``{"ok": value}`` or ``{"error": {...}}``
* ``{"op": "put", "key", "value"}`` stores data for harness functions -> ``{"ok": None}``
* ``{"op": "harness", "source", "function", "params"}`` runs a function from an exercise's *public* harness
  module (from ``exercises/<id>/harness.py``) with the student's namespace -> ``{"ok": value}``
* ``{"op": "shutdown"}``

Everything student code returns is encoded by ``wire.encode``; anything that is not plain data becomes an error
reply, never an object handed to the grader.
"""
from __future__ import annotations

import builtins
import io
import json
import linecache
import os
import sys
import traceback
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves the script's folder out
import wire  # noqa: E402

STUDENT_FILE = "<cell {index}>"


class Namespace:
    """The student's ``__main__`` plus the data the grader put for harness functions."""

    def __init__(self):
        self.module = types.ModuleType("__main__")
        self.module.__dict__["__builtins__"] = builtins
        sys.modules["__main__"] = self.module
        self.store: dict = {}

    @property
    def globals(self) -> dict:
        return self.module.__dict__


def describe_error(exc: BaseException, limit: int = 6) -> dict:
    """An exception as plain data: type, message, and the student's own frames only."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<cell ")]
    lines = [f"{f.filename}, line {f.lineno}, in {f.name}: {(f.line or '').strip()}" for f in frames[-limit:]]
    try:
        message = str(exc)
    except BaseException:  # a hostile __str__ must not take the worker down
        message = "<unprintable message>"
    return {"type": type(exc).__name__, "message": message[:2000], "frames": lines,
            "lineno": frames[-1].lineno if frames else None}


def run_cell(ns: Namespace, cell: dict) -> tuple[dict | None, list[str]]:
    """Run one cell: (its error or None, the names it bound or rebound at module level)."""
    index = cell["index"]
    filename = STUDENT_FILE.format(index=index)
    source = cell["source"]
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    names: list[str] = []
    before: dict = {}
    try:
        code = compile(source, filename, "exec")
        names = stored_names(code)
        before = snapshot(ns, names)
        exec(code, ns.globals)
    except SystemExit as exc:
        error = {"type": "SystemExit", "message": f"sys.exit({exc.code!r}) was called; the grader ignored it "
                 "and went on with the next cell", "frames": [], "lineno": None}
    except BaseException as exc:  # noqa: BLE001 - every student failure becomes data
        error = describe_error(exc)
    else:
        error = None
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    after = snapshot(ns, names)
    return error, sorted(k for k, v in after.items() if before.get(k) != v)


def stored_names(code: types.CodeType) -> list[str]:
    """Every global name the cell's code (and the code nested in it) may bind: the names it spells.

    Looking only at these keeps a cell's cost to its own size; a snapshot of the whole namespace before and after
    every cell made each cell as slow as the namespace is large (300,000 globals: every cell, twice)."""
    seen: set = set()
    stack = [code]
    while stack:
        current = stack.pop()
        seen.update(current.co_names)
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    return [name for name in seen if not name.startswith("__")]


def snapshot(ns: Namespace, names: list[str]) -> dict:
    found = ns.globals
    try:
        return {k: id(found[k]) for k in names if k in found}
    except BaseException:  # noqa: BLE001 - a key with a hostile __eq__: the names are a courtesy, not a verdict
        return {}


def defined_at(value) -> list | None:
    """[cell index, line] where the code of a function, of a class's first method or of an instance's class was
    written, when it was written in a cell; None otherwise.  A hint for the grader's reading of the source, which
    then looks at that definition as well as at the last one written."""
    try:
        candidates = [value] if isinstance(value, types.FunctionType) else []
        cls = value if isinstance(value, type) else type(value) if not candidates else None
        if cls is not None:
            candidates = [f for f in vars(cls).values() if isinstance(f, types.FunctionType)]
        for fn in candidates:
            code = fn.__code__
            if code.co_filename.startswith("<cell ") and code.co_filename.endswith(">"):
                return [int(code.co_filename[6:-1]), int(code.co_firstlineno)]
    except BaseException:  # noqa: BLE001 - a hostile object: no hint, the source is read as written
        return None
    return None


def kind_of(value) -> str:
    if isinstance(value, type):
        return "class"
    if callable(value):
        return "function"
    return type(value).__name__


# The builtins as they are before any student code runs: harness modules get this copy as their own, so a cell
# that rebinds ``builtins.isinstance`` or ``builtins.iter`` changes the student's builtins, not the harness's.
_PRISTINE_BUILTINS = dict(vars(builtins))


def load_harness(harnesses: dict, source: str) -> types.ModuleType:
    """The harness module of *source*, executed once per sandbox.  The grader sends every harness of the
    exercises it grades with the notebook, and they are executed before its first cell: what a harness binds at
    import (``from inspect import isgenerator``, ``torch.Tensor.data_ptr``) is the real thing, whatever a cell
    later rebinds.  The modules live in *harnesses*, a dict local to :func:`serve`, not in a module global."""
    module = harnesses.get(source)
    if module is None:
        module = types.ModuleType("harness")
        module.__dict__["__builtins__"] = dict(_PRISTINE_BUILTINS)
        exec(compile(source, "<harness>", "exec"), module.__dict__)
        harnesses[source] = module
    return module


def handle(ns: Namespace, request: dict, reply, harnesses: dict | None = None) -> bool:
    """Serve one request; return False to stop."""
    harnesses = {} if harnesses is None else harnesses
    op = request.get("op")
    if op == "exec":
        for source in request.get("harnesses", []):  # before any of the student's code
            try:
                load_harness(harnesses, source)
            except BaseException:  # noqa: BLE001 - a broken harness fails its own requests, later
                pass
        skip = set(request.get("skip", []))
        for cell in request["cells"]:
            if cell["index"] in skip:
                continue
            reply({"event": "cell_start", "index": cell["index"]})
            error, defined = run_cell(ns, cell)
            reply({"event": "cell_end", "index": cell["index"], "error": error, "defined": defined})
        reply({"event": "exec_done"})
        return True
    if op == "has":
        found = {}
        for name in request["names"]:
            found[name] = kind_of(ns.globals[name]) if name in ns.globals else None
        reply({"ok": found})
        return True
    if op == "where":
        found = {}
        for name in request["names"]:
            found[name] = defined_at(ns.globals.get(name))
        reply({"ok": found})
        return True
    if op == "get":
        name = request["name"]
        if name not in ns.globals:
            reply({"error": {"type": "NameError", "message": f"name {name!r} is not defined", "frames": [],
                             "lineno": None}})
        else:
            answer(reply, lambda: ns.globals[name])
        return True
    if op == "put":
        ns.store[request["key"]] = request["value"]
        reply({"ok": None})
        return True
    if op == "call":
        fn = ns.globals.get(request["name"])
        if fn is None:
            reply({"error": {"type": "NameError", "message": f"name {request['name']!r} is not defined",
                             "frames": [], "lineno": None}})
            return True
        args = wire.to_device(list(request.get("args", [])), request.get("device"))
        kwargs = request.get("kwargs", {})
        answer(reply, lambda: fn(*args, **kwargs))
        return True
    if op == "harness":
        function = getattr(load_harness(harnesses, request["source"]), request["function"])
        answer(reply, lambda: function(ns.globals, ns.store, **request.get("params", {})))
        return True
    if op == "shutdown":
        return False
    reply({"error": {"type": "ProtocolError", "message": f"unknown op {op!r}", "frames": [], "lineno": None}})
    return True


def answer(reply, compute) -> None:
    """Run student-facing work and reply with its value, or with the error it raised."""
    try:
        value = compute()
    except SystemExit as exc:
        reply({"error": {"type": "SystemExit", "message": f"sys.exit({exc.code!r}) was called during the test",
                         "frames": [], "lineno": None}})
        return
    except BaseException as exc:  # noqa: BLE001
        reply({"error": describe_error(exc)})
        return
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    try:
        reply({"ok": value})
    except wire.WireError as exc:
        reply({"error": {"type": "NotPlainData", "message": str(exc), "frames": [], "lineno": None}})
    except BaseException as exc:  # noqa: BLE001 - hostile __len__, __iter__, ... while encoding
        reply({"error": {"type": "NotPlainData", "message": f"the value could not be read: "
                         f"{type(exc).__name__}", "frames": [], "lineno": None}})


def serve(request_fd: int, reply_fd: int) -> None:
    """Answer requests until shutdown or end of input, then leave at once."""
    os.set_inheritable(request_fd, False)
    os.set_inheritable(reply_fd, False)
    sys.stdin = io.StringIO("")

    turn = [0]  # the sequence number of the request being answered; every reply carries it

    def reply(value) -> None:
        value["seq"] = turn[0]
        wire.write_frame(reply_fd, value)

    ns = Namespace()
    harnesses: dict = {}
    reply({"event": "ready", "python": sys.version.split()[0]})
    while True:
        try:
            request = wire.read_frame(request_fd)
        except EOFError:
            break
        turn[0] = request.get("seq", 0) if isinstance(request, dict) else 0
        if not handle(ns, request, reply, harnesses):
            break
    os._exit(0)  # skip interpreter teardown: student threads or atexit hooks must not delay or alter exit


def warm_up() -> None:
    try:
        import torch

        torch.set_num_threads(int(os.environ.get("GRADER_THREADS", "1")))
    except ImportError:
        pass


def main() -> None:
    if sys.argv[1] == "--zygote":  # the zygote raises no walls itself: each fork raises its own
        import zygote

        warm_up()
        zygote.serve_forks(int(sys.argv[2]), serve)
        return
    if "--walls" in sys.argv:  # before torch is imported, before any request is read
        import walls

        try:
            walls.apply(json.loads(sys.argv[sys.argv.index("--walls") + 1]))
        except OSError as exc:
            os.write(2, f"sandbox setup failed: {exc}\n".encode())
            os._exit(70)
    warm_up()
    serve(int(sys.argv[1]), int(sys.argv[2]))


if __name__ == "__main__":
    main()
