"""Commands for students: the catalogue and the self-check (`grader check`)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.config import ConfigError
from grader.cli.app import main
from grader.cli.common import PYTHON_HELP, _exercise_ids, _nearby_notebooks, _python, _settings, _stop, _warn_isolation


@main.command("list")
def list_exercises():
    """Show the catalogue: id, title, kind and points of every exercise."""
    from grader.catalog import load_catalog

    catalog = load_catalog(_settings().exercises_dir)
    width = max(len(ex.title) for ex in catalog)
    click.echo(f"{'id':5} {'title':{width}} {'kind':8} points")
    for ex in catalog:
        click.echo(f"{ex.id:5} {ex.title:{width}} {ex.kind:8} {ex.total_points:g}")
    click.echo(f"{len(catalog)} exercises, {sum(ex.total_points for ex in catalog):g} points")

def _min_score(text: str | None) -> float | None:
    """'0.8' or '80%' as a share of the points; None when not given."""
    if text is None:
        return None
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a number (give a share like 0.8, or a percentage like 80%)",
                                 param_hint="--min-score") from None
    if not 0 <= value <= 1:
        raise click.BadParameter(f"{text!r} is outside 0..1 (0%..100%)", param_hint="--min-score")
    return value

@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--exercise", "-e", multiple=True, help="Only these exercises (ids like q04, or q04,q09).")
@click.option("--json", "as_json", is_flag=True, help="Print the result document as JSON.")
@click.option("--verbose", "-v", is_flag=True, help="Show every case, with expected and actual values.")
@click.option("--timeout", type=float, help="Seconds allowed per notebook cell or test.")
@click.option("--exercises", "exercises_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="The exercises folder (default: the bundle's exercises/ next to the notebook or here, else "
                   "the grader's own).")
@click.option("--junit", "junit_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the results as JUnit XML (for CI test reports).")
@click.option("--html", "html_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the HTML report (for a CI artifact).")
@click.option("--min-score", "min_score", metavar="SHARE",
              help="Pass (exit 0) at this share of the points, e.g. 0.8 or 80%, instead of requiring every test.")
@click.option("--python", "python", metavar="PATH", help=PYTHON_HELP)
def check(path, exercise, as_json, verbose, timeout, exercises_dir, junit_file, html_file, min_score, python):
    """Run the public tests on your notebook or .py file.

    Exit status 0 when every public test passes (or, with --min-score, when the score reaches it), 1 when some
    do not, 2 for a mistake in the command (a file that is not there, a bad option), 3 when the file cannot be
    read as a notebook or .py file.
    """
    from grader.fileio import atomic_write_text
    from grader.grading.grade import grade
    from grader.judge import scoring
    from grader.report import render_html, render_terminal, to_json, write_junit

    from grader.config import student_exercises
    from grader.intake.submission import load

    if not path.exists():
        _stop(2, f"{path} does not exist: check the name and the folder you are in"
                 + _nearby_notebooks(path))
    if path.is_dir():
        _stop(2, f"{path} is a folder: name the notebook or .py file in it, e.g. {path / 'workbook.ipynb'}")
    bar = _min_score(min_score)
    python = _python(python)
    try:
        exercises_dir = student_exercises(exercises_dir, near=path.resolve().parent)
    except ConfigError as exc:
        _stop(2, str(exc))
    settings = _settings(timeout=timeout, exercises_dir=exercises_dir)
    unreadable = load(path).load_error
    if unreadable:
        _stop(3, f"{path} cannot be read: {unreadable}. Open it in Jupyter, check that it runs, save it, and "
                 "check again")
    _warn_isolation()
    try:
        result = grade(path, settings, mode="check", exercise_ids=_exercise_ids(exercise), python=python)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(to_json(result) if as_json else render_terminal(result, verbose=verbose))
    if junit_file:
        write_junit([result], junit_file)
    if html_file:
        atomic_write_text(Path(html_file), render_html(result))
    passed = scoring.check_passes(result, bar)
    if bar is not None:
        share = result.score / result.max_score if result.max_score else 0.0
        if not as_json:
            verdict = "reaches" if passed else "is below"
            click.secho(f"score {share:.1%} {verdict} the required {bar:.1%}", fg="green" if passed else "red",
                        err=True)
    sys.exit(0 if passed else 1)
