"""Commands that grade a class and rebuild its exports, and the demo."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.config import ConfigError
from grader.cli.app import main
from grader.cli.common import PYTHON_HELP, _exercise_ids, _graded_device, _python, _settings, _warn_isolation


@main.command("grade")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for gradebook.db, exports, the class dashboard and one folder of reports per student.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Grading workers (default: the number of cores).")
@click.option("--force", is_flag=True, help="Regrade submissions whose recorded grade is current.")
@click.option("--solutions", "solutions_dir", type=click.Path(path_type=Path, file_okay=False),
              help="The instructor's solutions folder (hidden suites). Default: ./solutions next to the grader.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default=None,
              help="Where suites and the sandbox run models (auto: CUDA when present).")
@click.option("--timeout", type=float, help="Seconds allowed per notebook cell or test request.")
@click.option("--exercise", "-e", multiple=True, help="Only these exercises (ids like q04, or q04,q09).")
@click.option("--skip-unavailable", is_flag=True,
              help="Leave out exercises whose data is not on this machine instead of stopping.")
@click.option("--overrides", "overrides_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="CSV of instructor scores (submission,exercise,score[,comment]) that win over computed ones.")
@click.option("--cold", is_flag=True, help="Start every sandbox from scratch instead of forking it warm.")
@click.option("--python", "python", metavar="PATH", help=PYTHON_HELP)
@click.option("--late-policy", "late_policy", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="A pyproject.toml with [tool.grader.late] (default: ./pyproject.toml when it has one).")
@click.option("--extensions", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="CSV of extensions (student,due): a new due time per student.")
@click.option("--submitted", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="CSV of submission times (student,submitted_at), or Moodle's grading worksheet.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Grade on a Dask cluster (e.g. tcp://10.0.0.5:8786) instead of local workers; needs "
                   "pip install -e \".[dask]\".")
def grade_cmd(inputs, out_dir, jobs, force, solutions_dir, device, timeout, exercise, skip_unavailable,
              overrides_file, cold, python, scheduler, late_policy, extensions, submitted):
    """Grade a class: notebooks, .py files, folders of them or per-student folders, or an LMS zip.

    Results enter OUT/gradebook.db as each submission completes; a re-run grades only what is new or changed.
    """
    from grader.catalog import load_catalog, select
    from grader.course.preflight import unavailable

    settings = _settings(solutions_dir=solutions_dir, device=device, timeout=timeout)
    python = _python(python)
    if not settings.solutions_dir.is_dir():
        raise click.UsageError(f"solutions folder {settings.solutions_dir} not found (use --solutions DIR)")
    try:
        chosen = select(load_catalog(settings.exercises_dir), _exercise_ids(exercise))
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    missing = unavailable(chosen)
    if missing and not skip_unavailable:
        lines = "\n".join(f"  {ex_id}: {why}" for ex_id, why in missing.items())
        raise click.ClickException(f"some exercises cannot be graded on this machine:\n{lines}\n"
                                   "Fetch the data first, or pass --skip-unavailable to grade the others.")
    for ex_id, why in missing.items():
        click.echo(f"skipping {ex_id}: {why}", err=True)
    settings = _graded_device(settings, python)
    overrides = None
    if overrides_file:
        from grader.review.overrides import OverrideError, load

        try:
            overrides = load(overrides_file)
        except OverrideError as exc:
            raise click.UsageError(str(exc)) from None
    from grader.grading.pool import default_jobs

    _run_batch(inputs, out_dir, settings, [ex.id for ex in chosen if ex.id not in missing], overrides,
               jobs=jobs or default_jobs(), force=force, warm=not cold, python=python, scheduler=scheduler,
               late=_late_inputs(late_policy, extensions, submitted))

def _late_inputs(policy_file, extensions, submitted):
    from grader.review.late import LateError, find_inputs

    try:
        return find_inputs(policy_file, extensions, submitted)
    except LateError as exc:
        raise click.UsageError(str(exc)) from None

def _run_batch(inputs, out_dir, settings, ids, overrides=None, *, jobs=None, force=False, warm=True,
               python=None, scheduler=None, late=None):
    from grader.grading.batch import grade_many
    from grader.grading.progress import Progress
    from grader.grading.store import GradebookError

    cluster_error = _cluster_error()

    _warn_isolation()
    progress = Progress(sys.stderr, sys.stderr.isatty())
    try:
        batch = grade_many(inputs, out_dir, settings, exercise_ids=ids, jobs=jobs, force=force,
                           overrides=overrides, warm=warm, python=python, scheduler=scheduler, late=late,
                           on_plan=progress.plan, on_done=lambda g, n, _todo: progress.result(g.result, n),
                           on_note=progress.note)
    except cluster_error as exc:
        progress.finish()
        raise click.ClickException(f"{exc}; the results recorded so far are in {out_dir / 'gradebook.db'}: run "
                                   "the same command again to grade the rest") from None
    except GradebookError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        progress.finish()
    for line in batch.problems:
        click.echo(f"input: {line}", err=True)
    from grader.report.terminal import summary_table

    graded = sorted(batch.graded, key=lambda g: g.folder.name)
    if graded:
        click.echo(summary_table([g.result for g in graded], [g.report for g in graded]))
    per = batch.seconds / len(graded) if graded else 0.0
    look = f"{progress.failed} {'needs' if progress.failed == 1 else 'need'} a look"
    click.echo(f"graded {len(graded)}, skipped {len(batch.skipped)} (unchanged), {look}; "
               f"{batch.seconds:.1f} s ({per:.2f} s per submission)")
    click.echo(f"gradebook: {batch.gradebook}  dashboard: {out_dir / 'index.html'}")
    _left_to_review(out_dir)

def _left_to_review(out_dir):
    """One line on what the instructor still has to do, when there is anything."""
    from grader.grading.store import Gradebook
    from grader.review.decisions import Decisions

    with Gradebook(Path(out_dir) / "gradebook.db") as book:
        left = Decisions(book).left()
    if any(left.values()):
        click.echo(f"to review: {left['answers']} answers, {left['requests']} regrade requests; {left['changed']} "
                   f"decisions whose computed score changed underneath them. Open the desk: grader review {out_dir}")

def _cluster_error():
    from grader.grading.cluster import ClusterError  # importable without Dask

    return ClusterError

@main.command("export")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--canvas-assignment", default=None,
              help='Canvas column header, ideally "Name (assignment id)" as in Canvas\'s own export.')
def export_cmd(out_dir, canvas_assignment):
    """Rebuild the exports of a graded folder from its gradebook.db (CSV, Canvas, JUnit, Gradescope, dashboard)."""
    from grader.report.exports import DEFAULT_ASSIGNMENT, write_exports
    from grader.grading.store import Gradebook, GradebookError

    if not (out_dir / "gradebook.db").is_file():
        raise click.UsageError(f"{out_dir} has no gradebook.db: grade into it first (grader grade ... --out DIR)")
    try:
        with Gradebook(out_dir / "gradebook.db") as book:
            done = write_exports(book, out_dir, _settings(), assignment=canvas_assignment or DEFAULT_ASSIGNMENT)
    except (GradebookError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    for line in done.warnings:
        click.echo(f"warning: {line}", err=True)
    for path in done.files:
        click.echo(str(path))

def _book(out_dir):
    from grader.grading.store import Gradebook, GradebookError

    if not (Path(out_dir) / "gradebook.db").is_file():
        raise click.UsageError(f"{out_dir} has no gradebook.db: grade into it first (grader grade ... --out DIR)")
    try:
        return Gradebook(Path(out_dir) / "gradebook.db")
    except GradebookError as exc:
        raise click.ClickException(str(exc)) from None

def _export_quietly(book, out_dir):
    from grader.report.exports import write_exports

    write_exports(book, Path(out_dir), _settings())
    click.echo(f"exports rewritten in {out_dir}", err=True)

@main.command()
@click.option("--out", "out_dir", default="demo-out", show_default=True,
              type=click.Path(path_type=Path, file_okay=False))
def demo(out_dir):
    """Grade the reference workbook and a half-right submission on the embedded MNIST sample."""
    from grader.catalog import load_catalog
    from grader.course.preflight import unavailable

    settings = _settings()
    catalog = load_catalog(settings.exercises_dir)
    missing = unavailable(catalog)
    for ex_id, why in missing.items():
        click.echo(f"note: {ex_id} is left out of the demo: {why}", err=True)
    paths = [settings.solutions_dir / "reference.ipynb", settings.solutions_dir / "examples" / "half_right.ipynb"]
    settings = _graded_device(settings, None)
    _run_batch(paths, out_dir, settings, [ex.id for ex in catalog if ex.id not in missing], jobs=None, force=True)
