"""What every command shares: settings with clear errors, the isolation warning, option parsing, one-line stops, the batch's device."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.config import ConfigError, load_settings


def _settings(**kwargs):
    try:
        return load_settings(**kwargs)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None

def _warn_isolation() -> None:
    """Say loudly when student code would run without namespaces (no filesystem or network isolation)."""
    from grader.sandbox.host import isolation

    iso = isolation.detect()
    if iso.level == isolation.LANDLOCK:
        click.secho(f"WARNING: no namespaces here ({iso.reason}); the sandbox falls back to Landlock and seccomp "
                    "walls (no private process or user view). Results record this; `grader doctor` says more.",
                    fg="yellow", err=True)
    elif iso.level == isolation.PROCESS:
        click.secho(f"WARNING: the sandbox runs as a plain child process here: {iso.reason}. Student code "
                    "can read files and reach the network; results record this; `grader doctor` says more.",
                    fg="red", bold=True, err=True)

def _exercise_ids(values) -> list[str] | None:
    ids = [part for value in values for part in value.split(",") if part.strip()]
    return ids or None

def _python(value: str | None) -> str | None:
    """The interpreter for sandboxes, checked once up front so a bad one is one clear error, not 39."""
    if value is None:
        return None
    from grader.sandbox.host.interpreter import InterpreterError, inspect

    try:
        return inspect(value).path
    except InterpreterError as exc:
        raise click.UsageError(str(exc)) from None

PYTHON_HELP = ("Run student code with this interpreter (e.g. an environment with fastai installed); it needs "
               "torch. Default: the grader's own.")

def _stop(status: int, message: str):
    """One mistake, one line: what is wrong and what to do, with its own exit status."""
    click.secho(f"grader: {message}", fg="red", err=True)
    sys.exit(status)

def _nearby_notebooks(path: Path) -> str:
    folder = path.parent if str(path.parent) else Path(".")
    found = sorted(p.name for p in folder.glob("*.ipynb"))[:3] if folder.is_dir() else []
    return f" (here: {', '.join(found)})" if found else ""

def _graded_device(settings, python):
    """Settle the batch's device once: a GPU is used only where CUDA starts inside a real sandbox."""
    from grader.course.preflight import choose_device

    try:
        settings, note = choose_device(settings, python)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if settings.device_note:
        click.secho(f"warning: {note}", fg="yellow", bold=True, err=True)
    elif note:
        click.echo(note, err=True)
    return settings
