"""The instructor's desk in a real browser (the system's Chromium through Playwright, nothing downloaded).

A class is graded for real (q04 and q12: code, choice and written answers, some flagged by the rubric) and each
test starts the desk on its own copy.  The browser may reach the desk only: every other request is aborted and
recorded.  The tests review a question with the keyboard alone, override a code case, answer regrade requests and
save from two tabs at the same moment, then read the gradebook, its history, the exports and the reports; the
pages work at phone width, pass the project's accessibility audit, log no console error (a Content-Security-Policy
violation would be one) and a request without the desk's key gets 403.
"""
from __future__ import annotations

import csv
import json
import shutil
import time
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from browser_support import (ARTIFACTS, DESKTOP, PHONE, Guard, audit, browser,  # noqa: F401 - browser is a fixture;
                             png_facts, problems)  # importing it skips this module without a browser
from desk_factories import EVIL, grade_class
from grader.cli import main  # noqa: E402
from grader.config import load_settings  # noqa: E402
from grader.grading.store import Gradebook  # noqa: E402
from grader.review.decisions import Decisions, who_am_i  # noqa: E402
from grader.review.desk import Desk  # noqa: E402
from grader.report.exports import student_folder  # noqa: E402

WRITTEN = "written answer"
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return grade_class(tmp_path_factory.mktemp("desk-class"))


@pytest.fixture
def desk(graded, tmp_path):
    folder = tmp_path / "graded"
    shutil.copytree(graded, folder)
    running = Desk(folder, load_settings()).start()
    yield running
    if running._thread and running._thread.is_alive():
        running.close()


def store_of(desk):
    book = Gradebook(desk.gradebook)
    return book, Decisions(book)


def decisions(desk, student=None):
    book, store = store_of(desk)
    with book:
        return list(reversed(store.history(student)))


@pytest.fixture
def context_for(browser):
    """context_for(desk, viewport) -> (context, guard): requests to anything but the desk are aborted and kept."""
    made = []

    def make(desk, viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        made.append(context)
        guard = Guard()

        def route(route):
            if route.request.url.startswith(desk.base + "/"):
                route.continue_()
            else:
                guard.blocked.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        context.on("console", lambda msg: guard.console_errors.append(msg.text) if msg.type == "error" else None)
        context.on("weberror", lambda error: guard.page_errors.append(str(error.error)))
        return context, guard

    yield make
    for context in made:
        context.close()


def open_desk(context, desk):
    page = context.new_page()
    page.goto(desk.url)
    assert page.url == desk.base + "/" and "token" not in page.url  # the key left the address bar
    return page


def tab_to(page, selector: str, limit: int = 60):
    """Press Tab until *selector* has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def key(page, name: str, then: str | None = None):
    """Press a key on the answer page; with *then*, wait until the page moved to that student's answer."""
    if then is None:
        page.keyboard.press(name)
        return
    with page.expect_navigation():
        page.keyboard.press(name)
    assert page.url.endswith(then), page.url


def screenshot(page, name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    facts = png_facts(path.read_bytes())
    assert facts["width"] == page.viewport_size["width"]


def no_sideways_scroll(page):
    width = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, f"{page.url} scrolls sideways: {width}"


# ------------------------------------------------------------------------------------------------ reviewing

def test_a_question_reviewed_with_the_keyboard_only(desk, context_for):
    context, guard = context_for(desk)
    page = open_desk(context, desk)
    tab_to(page, 'a[href="/q/q04"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#start")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The flagged answers come first (ben, cat, dan, eve by name), then the one the rubric was sure of (ann).
    assert page.url.endswith("/q/q04/ben")
    assert page.locator("#answer-text").inner_text() == "list comprehension new list filter condition loop items keep"
    assert "a list of words rather than sentences" in page.locator("section.evidence").inner_text()
    assert page.get_by_role("heading", name="Rubric").is_visible()
    screenshot(page, "desk-answer-desktop")

    key(page, "1", then="/q/q04/cat")  # full marks for ben
    assert "Saved: ben, q04 / written answer set to 1." in page.locator("#status").inner_text()
    key(page, "c")
    page.keyboard.type("Says the opposite of what a comprehension does")
    key(page, "Enter")  # the comment is kept; the focus is back on the page
    key(page, "0", then="/q/q04/dan")
    assert EVIL in page.locator("#answer-text").inner_text()  # markup in an answer is text
    assert page.evaluate("() => document.querySelectorAll('#answer-text *').length") == 0
    key(page, "a", then="/q/q04/eve")  # dan's provisional 0 accepted
    key(page, "r")
    key(page, "1")  # the earlier comment (cat's) again
    assert page.locator("#comment").input_value() == "Says the opposite of what a comprehension does"
    key(page, "h", then="/q/q04/ann")
    key(page, "k", then="/q/q04/eve")
    assert page.locator("#score-now").inner_text() == "0.5 of 1"
    key(page, "s")
    page.keyboard.type("0.75")
    key(page, "Enter", then="/q/q04/ann")
    key(page, "j")
    assert page.locator("#status").inner_text() == "No answer that way."
    key(page, "a", then="/q/q04")  # the last one: back to the question's list
    assert "0 answers left to review of 5" in page.locator("main").inner_text()
    assert guard.clean(), guard

    rows = [(r["student"], r["target"], r["action"], r["old"], r["score"], r["comment"], r["who"])
            for r in decisions(desk)]
    me = who_am_i()
    comment = "Says the opposite of what a comprehension does"
    assert rows == [("ben", WRITTEN, "score", 0.5, 1.0, "", me), ("cat", WRITTEN, "score", 0.0, 0.0, comment, me),
                    ("dan", WRITTEN, "accept", 0.0, 0.0, "", me), ("eve", WRITTEN, "score", 0.0, 0.5, comment, me),
                    ("eve", WRITTEN, "score", 0.5, 0.75, comment, me), ("ann", WRITTEN, "accept", 1.0, 1.0, "", me)]
    # Each student's report is written again at once; the exports when the desk is left.
    assert comment in (student_folder(desk.out_dir, "cat") / "report.html").read_text()
    desk.close()
    table = {r["submission"]: r for r in csv.DictReader((desk.out_dir / "gradebook.csv").open())}
    decided = {"ann": 1.0, "ben": 1.0, "cat": 0.0, "dan": 0.0, "eve": 0.75}
    with Gradebook(desk.gradebook) as book:  # the code part as computed, the written part as decided
        computed = {g.student.student: g.result.exercise("q04") for g in book.current()}
    for student, ex in computed.items():
        written = next(c for c in ex.cases if c.name == WRITTEN)
        assert float(table[student]["q04"]) == pytest.approx(ex.score - written.score + decided[student], abs=1e-3)
    assert all("q04" not in r["needs_review"].split() for r in table.values())
    assert "q04" not in (desk.out_dir / "index.html").read_text().split("Answers to review, by question")[-1][:400]


def test_a_code_case_overridden_from_the_students_view(desk, context_for):
    book, store = store_of(desk)
    with book:
        before = store.final("ben").result.exercise("q04")
    failed = next(c for c in before.cases if c.outcome.value == "failed" and c.name != WRITTEN)
    context, guard = context_for(desk)
    page = open_desk(context, desk)
    page.goto(desk.base + "/s/ben")
    case = page.locator("li.case", has_text=failed.name)
    case.locator("summary", has_text="Override this case").click()
    case.get_by_label("Comment").fill("Your loop is fine: the hidden check was too strict")
    with page.expect_navigation():
        case.get_by_role("button", name="Full points").click()
    assert "Set to" in page.locator("li.case", has_text=failed.name).locator(".decided").inner_text()
    assert guard.clean(), guard

    (row,) = decisions(desk, "ben")
    assert (row["exercise"], row["target"], row["old"], row["score"]) == ("q04", failed.name, 0.0, failed.max_score)
    book, store = store_of(desk)
    with book:
        after = store.final("ben").result.exercise("q04")
    assert after.score == pytest.approx(before.score + failed.max_score, abs=1e-4)
    assert after.override["cases"] == [failed.name]
    report = (student_folder(desk.out_dir, "ben") / "report.html").read_text()
    assert "the hidden check was too strict" in report and "Set by your instructor" in report
    page.goto(desk.base + "/r/ben")  # the report as the student sees it, served by the desk
    assert "the hidden check was too strict" in page.content() and guard.clean(), guard


def test_regrade_requests_answered_in_the_desk_show_in_the_reports(desk, context_for, tmp_path):
    requests = tmp_path / "requests.csv"
    with requests.open("w", newline="") as handle:
        csv.writer(handle).writerows([("student", "exercise", "reason"),
                                      ("ben", "q12", "My answer says the weights move against the gradient."),
                                      ("dan", "q04", f"Please look again {EVIL}")])
    said = CliRunner().invoke(main, ["requests", "import", str(desk.out_dir), str(requests)])
    assert said.exit_code == 0 and "2 requests added" in said.output, said.output
    context, guard = context_for(desk)
    page = open_desk(context, desk)
    page.goto(desk.base + "/requests")
    assert page.locator("section.request").count() == 2
    assert EVIL in page.locator("section.request", has_text="dan").locator("blockquote").inner_text()
    ben = page.locator("section.request", has_text="ben · q12")
    ben.get_by_label("Your reply").fill("Agreed: the gradient step is there. Full marks.")
    ben.get_by_label("New score").fill("2")
    with page.expect_navigation():
        ben.get_by_role("button", name="Change the score").click()
    dan = page.locator("section.request", has_text="dan · q04")
    dan.get_by_label("Your reply").fill("The rubric needs the if part; your answer does not say it.")
    with page.expect_navigation():
        dan.get_by_role("button", name="Keep the score").click()
    assert page.locator("section.request.changed").count() == 1 and page.locator("section.request.kept").count() == 1
    assert guard.clean(), guard

    book, store = store_of(desk)
    with book:
        answered = {r["student"]: r for r in store.requests()}
        assert store.final("ben").result.exercise("q12").score == 2
        (decision,) = store.history("ben")
    assert answered["ben"]["status"] == "changed" and answered["ben"]["decision_id"] == decision["id"]
    assert decision["request_id"] == answered["ben"]["id"] and decision["source"].startswith("regrade request")
    assert answered["dan"]["status"] == "kept" and answered["dan"]["answered_by"] == who_am_i()
    assert "Full marks." in (student_folder(desk.out_dir, "ben") / "report.html").read_text()
    dan_report = (student_folder(desk.out_dir, "dan") / "report.html").read_text()
    assert "score kept" in dan_report and "does not say it" in dan_report and EVIL not in dan_report
    listed = CliRunner().invoke(main, ["requests", "list", str(desk.out_dir)]).output
    assert "changed ben q12" in listed and "kept    dan q04" in listed


# ------------------------------------------------------------------------------------------------ two tabs

FIRE = """([at, how]) => { setTimeout(() => document.querySelector(`button[value="${how}"]`).click(),
                                      Math.max(0, at - Date.now())); }"""
BURST = """([at, student, n]) => {
  const token = document.querySelector('meta[name="desk-token"]').content;
  window.burst = null;
  setTimeout(() => Promise.all(Array.from({length: n}, (_, i) => fetch("/api/decide", {
      method: "POST", headers: {"Content-Type": "application/json", "X-Desk-Token": token},
      body: JSON.stringify({student, exercise: "q12", action: "score", score: (i % 5) / 2, comment: `${student} ${i}`})
    }).then((r) => r.json()))).then((all) => { window.burst = all; }), Math.max(0, at - Date.now()));
}"""


def test_two_tabs_saving_at_once_lose_nothing(desk, context_for):
    context, guard = context_for(desk)
    first = open_desk(context, desk)
    second = context.new_page()
    for page in (first, second):
        page.goto(desk.base + "/q/q04/ben")
    at = int(time.time() * 1000) + 700  # both click in the same instant, on the same answer
    first.evaluate(FIRE, [at, "full"])
    second.evaluate(FIRE, [at, "zero"])
    for page in (first, second):
        page.wait_for_url("**/q/q04/cat")
    said = [page.locator("#status").inner_text() for page in (first, second)]
    assert sum("Another tab had changed it first" in s for s in said) == 1, said
    rows = decisions(desk, "ben")
    assert sorted(r["score"] for r in rows) == [0.0, 1.0] and rows[1]["old"] == rows[0]["score"]  # one after the other

    at = int(time.time() * 1000) + 500  # and many saves from both tabs at once
    first.evaluate(BURST, [at, "ann", 12])
    second.evaluate(BURST, [at, "eve", 12])
    for page in (first, second):
        page.wait_for_function("() => window.burst !== null")
        assert all(reply["ok"] for reply in page.evaluate("() => window.burst"))
    for student in ("ann", "eve"):
        rows = decisions(desk, student)
        assert sorted(r["comment"] for r in rows) == sorted(f"{student} {i}" for i in range(12))
        assert [r["old"] for r in rows[1:]] == [r["score"] for r in rows[:-1]]  # no update lost between them
    assert guard.clean(), guard


# ------------------------------------------------------------------------------------------------ the pages

PAGES = ["/", "/q/q04", "/q/q04/dan", "/s/dan", "/requests", "/history", "/dashboard"]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_page_at_phone_and_desktop_width_passes_the_audit(desk, context_for, tmp_path, viewport):
    requests = tmp_path / "requests.csv"
    requests.write_text("student,exercise,reason\ndan,q04,Please look again\n")
    CliRunner().invoke(main, ["requests", "import", str(desk.out_dir), str(requests)])
    CliRunner().invoke(main, ["override", str(desk.out_dir), "dan", "q12", "1.5", "--comment", "half the idea"])
    size = PHONE if viewport == "phone" else DESKTOP
    context, guard = context_for(desk, size)
    page = open_desk(context, desk)
    shots = {"/": "home", "/q/q04/dan": "answer", "/s/dan": "student", "/requests": "requests",
             "/dashboard": "dashboard"}
    for path in PAGES:
        page.goto(desk.base + path)
        no_sideways_scroll(page)
        if viewport == "phone" and path in shots:
            screenshot(page, f"desk-{shots[path]}-phone")
        found = problems(audit(page))
        assert found == {}, (path, found)
    page.goto(desk.base + "/dashboard")  # the class dashboard, linked into the desk
    assert page.get_by_role("link", name="Back to the instructor's desk").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="q04: List comprehension: double the odd numbers").click()
    assert page.url == desk.base + "/q/q04"
    assert guard.clean(), guard


# ------------------------------------------------------------------------------------------------ the key

def _status(desk, path, *, method="GET", headers=None, body=None):
    request = urllib.request.Request(desk.base + path, method=method, data=body, headers=headers or {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_request_without_the_token_gets_403(desk, context_for):
    cookie = {"Cookie": f"{desk.cookie}={desk.token}"}
    decide = json.dumps({"student": "ben", "exercise": "q04", "score": 3}).encode()
    for path in PAGES + ["/r/ben", "/static/desk.js", "/?token=wrong", "/api/export"]:
        status, body = _status(desk, path)
        assert status == 403 and "ben" not in body and "q04" not in body, (path, status)
    assert _status(desk, "/s/ben", headers=cookie)[0] == 200  # the key as the desk's cookie opens it
    assert _status(desk, "/?token=" + desk.token)[0] == 303
    json_type = {"Content-Type": "application/json"}
    assert _status(desk, "/api/decide", method="POST", body=decide, headers={**cookie, **json_type})[0] == 403
    assert _status(desk, "/api/decide", method="POST", body=decide,
                   headers={**json_type, "X-Desk-Token": "guess"})[0] == 403
    assert _status(desk, "/", headers={**cookie, "Host": "evil.example"})[0] == 403  # DNS rebinding
    assert _status(desk, "/api/decide", method="POST", body=decide,
                   headers={**json_type, "X-Desk-Token": desk.token, "Origin": "http://evil.example"})[0] == 403
    assert decisions(desk) == []
    ok = _status(desk, "/api/decide", method="POST", body=decide, headers={**json_type, "X-Desk-Token": desk.token})
    assert ok[0] == 200 and json.loads(ok[1])["decision"]["score"] == 3
    context, _ = context_for(desk)
    page = context.new_page()
    response = page.goto(desk.base + "/q/q04/ben")  # a browser without the key
    assert response.status == 403 and "list comprehension" not in page.content()
    page.goto(desk.url)  # with it: an HttpOnly, SameSite=Strict cookie, and the strict policy on every page
    (cookie,) = context.cookies()
    assert (cookie["name"], cookie["httpOnly"], cookie["sameSite"]) == (desk.cookie, True, "Strict")
    policy = page.goto(desk.base + "/").headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "'unsafe-inline'" not in policy
