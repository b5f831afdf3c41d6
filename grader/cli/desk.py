"""Commands for the instructor's desk: review in a browser, overrides, regrade requests, late work."""
from __future__ import annotations

from pathlib import Path

import click

from grader.cli.app import main
from grader.cli.grading import _book, _export_quietly, _late_inputs
from grader.cli.common import _settings


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
