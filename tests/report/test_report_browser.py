"""The HTML report and the class dashboard in a real browser: offline, at desktop and phone widths, accessible.

Headless Chromium (the system's own binary, ``$GRADER_CHROMIUM`` or ``chromium`` on the PATH) is driven through
Playwright; no browser is downloaded.  Pages are opened from disk with every request other than ``file:`` aborted
and recorded.  The accessibility audit is a small script of our own run in the page (no external checker): heading
order, names of pictures and controls, colour contrast computed from the styles the browser applied, status
conveyed without colour, ``lang`` and ``<title>``, header cells in tables.  The audit and the network guard are
first run on a page broken on purpose, so a check that could never fail would show.

Screenshots go to ``$GRADER_ARTIFACTS`` or ``tests/artifacts/screenshots/`` (ignored by git).
"""
from __future__ import annotations

import base64
from pathlib import Path

import pytest

from browser_support import (ARTIFACTS, DESKTOP, PHONE, PIXELS, Guard, audit, browser,  # noqa: F401 - browser
                             png_facts, problems)  # is a fixture; importing it skips this module without a browser
from class_factories import STARTER, class_codes, class_rows, make_class
from grader.review.flags import find_flags
from grader.report import render_dashboard, render_html
from grader.report import dashboard as dashboard_view
from grader.report import html as report_view
from report_factories import every_outcome_result

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
# The audit also runs with the reader's system set to dark: the pages declare light colours and must keep them.
LOOKS = {"desktop": (DESKTOP, "light"), "phone": (PHONE, "light"), "dark-system": (DESKTOP, "dark")}
TITLE = "Chapter 4: MNIST basics — autumn class"


# ------------------------------------------------------------------------------------------------ pages on disk

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, Path]:
    """The student report and the class dashboard (with every student's report beside it), written to disk."""
    root = tmp_path_factory.mktemp("browser-site")
    report = root / "report.html"
    report.write_text(render_html(every_outcome_result()), encoding="utf-8")
    results = make_class()
    graded = root / "graded"
    for key, result in results.items():
        (graded / key).mkdir(parents=True)
        (graded / key / "report.html").write_text(render_html(result), encoding="utf-8")
    index = graded / "index.html"
    index.write_text(render_dashboard(class_rows(results), find_flags(results, class_codes(), STARTER), title=TITLE,
                                      generated="2024-05-02T09:00:00+00:00"), encoding="utf-8")
    broken = root / "broken.html"
    broken.write_text(BROKEN_PAGE, encoding="utf-8")
    return {"report": report, "dashboard": index, "broken": broken}


@pytest.fixture(scope="module")
def dashboard_context() -> dict:
    results = make_class()
    return dashboard_view.context(class_rows(results), find_flags(results, class_codes(), STARTER), title=TITLE,
                                  generated="")


# ------------------------------------------------------------------------------------------------ the browser

@pytest.fixture
def open_page(browser):
    """open_page(path, viewport) -> (page, guard): a fresh offline context, every non-file request aborted."""
    contexts = []

    def opener(path: Path, viewport: dict = DESKTOP, color_scheme: str = "light"):
        context = browser.new_context(viewport=viewport, offline=True, color_scheme=color_scheme)
        contexts.append(context)
        guard = Guard()

        def route(route):
            url = route.request.url
            if url.startswith("file:"):
                route.continue_()
            else:
                guard.blocked.append(url)
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda request: guard.requests.append(request.url))
        page.on("console", lambda msg: guard.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: guard.page_errors.append(str(exc)))
        page.goto(path.as_uri(), wait_until="load")
        return page, guard

    yield opener
    for context in contexts:
        context.close()


# ------------------------------------------------------------------------------------------------ the audit

BROKEN_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"></head>
<body>
<h1>One</h1><h1>Two</h1><h3>Skipped a level</h3>
<img src="https://example.com/tracker.png">
<svg width="40" height="20"><rect width="40" height="20" fill="#888"/></svg>
<svg width="60" height="30"><rect width="60" height="30" fill="#000"/><text x="2" y="20" fill="#333">dim</text></svg>
<p style="color: #aaaaaa; background: #ffffff">Too faint to read</p>
<span class="badge o-failed"><span aria-hidden="true"></span></span>
<div class="rate"><div class="bar"><span style="width: 40%"></span></div></div>
<button type="button"></button>
<a href="#nowhere"></a>
<table><tr><td>no</td><td>headers</td></tr></table>
<div style="overflow-x: auto; width: 100px"><p style="width: 400px">A box that scrolls, out of reach of keys</p></div>
<script>console.error("boom"); throw new Error("on purpose");</script>
</body></html>
"""


# ------------------------------------------------------------------------------------------------ the harness

def test_the_checks_catch_a_broken_page(open_page, site):
    """Every check below can fail: on a page broken on purpose, each one finds its problem."""
    page, guard = open_page(site["broken"])
    assert guard.blocked == ["https://example.com/tracker.png"] and guard.external() == guard.blocked
    assert any("boom" in text for text in guard.console_errors)
    assert any("on purpose" in text for text in guard.page_errors)
    found = audit(page)
    assert sorted(problems(found)) == ["colour", "contrast", "controls", "document", "headings", "keyboard", "links",
                                       "pictures", "tables"]
    assert found["document"] == ["<html> has no lang", "no <title>"]
    assert "2 h1" in found["headings"] and any("h1 then h3" in p for p in found["headings"])
    assert sum("svg" in p for p in found["pictures"]) == 4 and any("no alt" in p for p in found["pictures"])
    assert any("Too faint" in p for p in found["contrast"]) and any('"dim"' in p for p in found["contrast"])
    assert len(found["colour"]) == 2 and found["tables"] == ['no header cells: <table> "noheaders"']
    assert len(found["keyboard"]) == 1 and "out of reach of keys" in found["keyboard"][0]


# ------------------------------------------------------------------------------------------------ the report

@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_report_shows_the_grade_offline(open_page, site, width):
    page, guard = open_page(site["report"], WIDTHS[width])
    view = report_view.context(every_outcome_result())
    total = page.locator("p.total")
    assert total.is_visible() and f"{view['score']} points ({view['percent']})" in total.inner_text()
    for ex in view["exercises"]:
        heading = page.get_by_role("heading", name=f"{ex['id']}: {ex['title']}", exact=True)
        assert heading.is_visible(), ex["id"]
        assert ex["outcome"] in page.locator(f"#{ex['anchor']} .exercise-head .badge").inner_text()
    failing = page.locator("li.case", has_text="corner_of_doubled")
    assert failing.get_by_role("heading", name="Expected").is_visible()
    assert failing.get_by_role("heading", name="Your result").is_visible()
    assert failing.locator("pre").nth(0).inner_text() == "[[10, 12], [16, 18]]"
    assert failing.locator("pre").nth(1).inner_text() == "[[5, 6], [8, 9]]"
    assert page.locator("li.case", has_text="corner_is_a_tensor").locator("pre").count() == 0  # hidden case
    for case, word in (("distance_shape", "error"), ("converges", "timeout"), ("learner_fits", "passed")):
        assert word in page.locator("li.case", has_text=case).locator(".badge").inner_text()
    for svg in page.locator("svg").all():
        box = svg.bounding_box()
        assert svg.is_visible() and box["width"] > 250 and box["x"] + box["width"] <= WIDTHS[width]["width"]
    digits = page.locator("ul.digits img")
    assert digits.count() == 8
    assert page.evaluate("() => Array.from(document.images).every((i) => i.complete && i.naturalWidth === 28)")
    assert guard.external() == [] and guard.blocked == []
    assert guard.console_errors == [] and guard.page_errors == []


@pytest.mark.parametrize("look", list(LOOKS))
def test_report_passes_the_accessibility_audit(open_page, site, look):
    page, guard = open_page(site["report"], *LOOKS[look])
    assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches") == (look == "dark-system")
    found = audit(page)
    assert problems(found) == {}
    # The audit looked at the page's real text, the charts' text (the matrix's counts on coloured cells among it)
    # and every status badge.
    checked = found["checked"]
    assert checked["text"] > 150 and checked["svgText"] > 100 and checked["svgOnColour"] >= 10, checked
    assert checked["statuses"] > 30, checked
    assert guard.console_errors == [] and guard.page_errors == [] and guard.external() == []


# ------------------------------------------------------------------------------------------------ the dashboard

def _names(page) -> list[str]:
    return page.locator("#student-table tbody tr th").all_inner_texts()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_dashboard_shows_the_class_offline(open_page, site, dashboard_context, width):
    page, guard = open_page(site["dashboard"], WIDTHS[width])
    assert page.get_by_role("heading", name=TITLE, level=1).is_visible()
    histogram = page.locator("#distribution svg")
    box = histogram.bounding_box()
    assert histogram.is_visible() and box["width"] > 300 and box["x"] + box["width"] <= WIDTHS[width]["width"]
    assert histogram.locator("rect").count() == 11  # the plot area and ten bins
    students = dashboard_context["students"]
    assert _names(page) == [s["name"] for s in students]
    assert page.locator("#student-table tbody tr").count() == len(students) == 6
    assert all(page.locator("#student-table tbody tr").nth(i).is_visible() for i in range(6))
    badge = page.locator("#student-table a.badge", has_text="similar").first
    assert badge.is_visible()
    badge.click()
    target = badge.get_attribute("href")
    assert page.evaluate("() => location.hash") == target and page.locator(target).is_visible()
    assert "similar" in page.locator(target).inner_text()
    assert guard.external() == [] and guard.blocked == []
    assert guard.console_errors == [] and guard.page_errors == []


def test_dashboard_table_sorts_when_a_header_is_clicked(open_page, site, dashboard_context):
    page, guard = open_page(site["dashboard"])
    table = page.locator("#student-table")
    students = dashboard_context["students"]
    names = [s["name"] for s in students]
    assert page.locator("#students .js-only").is_visible()  # the script ran and says the headers sort

    assert table.locator("th", has_text="Score").get_attribute("aria-sort") == "descending"
    table.get_by_role("button", name="Score").click()  # the page's own order is by score, highest first
    by_score = [s["name"] for s in sorted(students, key=lambda s: float(s["percent_value"]))]
    assert _names(page) == by_score and by_score[0] == "frank" and by_score != names
    assert table.locator("th", has_text="Score").get_attribute("aria-sort") == "ascending"
    assert page.locator("#sort-status").text_content() == "Sorted by Score, ascending."

    table.get_by_role("button", name="Name").click()  # text sorts from A
    assert _names(page) == sorted(names, key=str.lower) != by_score
    assert table.locator("th[aria-sort]").count() == 1
    assert table.locator("th", has_text="Name").get_attribute("aria-sort") == "ascending"
    table.get_by_role("button", name="Name").click()
    assert _names(page) == sorted(names, key=str.lower, reverse=True)
    assert table.locator("th", has_text="Name").get_attribute("aria-sort") == "descending"

    table.get_by_role("button", name="Flags").click()  # numbers sort from the most
    flags = [int(v) for v in table.locator("tbody tr td[data-sort]:nth-child(6)").evaluate_all(
        "cells => cells.map((c) => c.getAttribute('data-sort'))")]
    assert flags == sorted(flags, reverse=True) and flags[0] >= 2

    page.get_by_role("link", name="report of bob").click()
    page.wait_for_load_state("load")
    assert page.title() == "Grade report: bob"
    assert guard.console_errors == [] and guard.page_errors == [] and guard.external() == []


@pytest.mark.parametrize("look", list(LOOKS))
def test_dashboard_passes_the_accessibility_audit(open_page, site, look):
    page, guard = open_page(site["dashboard"], *LOOKS[look])
    assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches") == (look == "dark-system")
    found = audit(page)
    assert problems(found) == {}
    checked = found["checked"]
    assert checked["text"] > 100 and checked["svgText"] > 10 and checked["statuses"] >= 6, checked
    if look == "phone":  # both tables are cards on a phone: every column readable, nothing scrolls sideways
        assert checked["scrollers"] == 0, checked
        for table in ("#student-table", "#exercises table"):
            overflow = page.evaluate(f"""() => Array.from(document.querySelectorAll('{table} *')).filter(
                (e) => e.getBoundingClientRect().right > document.querySelector('{table}').parentElement
                    .getBoundingClientRect().right + 1).length""")
            assert overflow == 0, table
    assert page.locator("#student-table button.sort").count() == 7  # the audit saw the script's buttons too
    assert guard.console_errors == [] and guard.page_errors == [] and guard.external() == []


# ------------------------------------------------------------------------------------------------ both, as pictures

@pytest.mark.parametrize("which", ["report", "dashboard"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_screenshots_and_no_sideways_scrolling(open_page, site, which, width):
    viewport = WIDTHS[width]
    page, guard = open_page(site[which], viewport)
    scroll = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate("""(limit) => Array.from(document.querySelectorAll("body *"))
        .filter((e) => e.getBoundingClientRect().right > limit + 1)
        .map((e) => e.tagName.toLowerCase() + (e.getAttribute("class") ? "." + e.getAttribute("class") : ""))
        .slice(0, 12)""", viewport["width"])
    assert scroll[0] <= scroll[1] + 1, f"the page scrolls sideways at {width} width: {scroll}; past the edge: {wide}"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{which}-{width}.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True)
    data = path.read_bytes()
    facts = png_facts(data)
    height = page.evaluate("() => document.scrollingElement.scrollHeight")
    assert facts["width"] == viewport["width"] and facts["height"] >= min(height, 16384) > viewport["height"]
    assert len(data) > 20_000

    pixels = page.context.new_page()  # the browser decodes the file it wrote
    seen = pixels.evaluate(PIXELS, "data:image/png;base64," + base64.b64encode(data).decode("ascii"))
    pixels.close()
    assert (seen["width"], seen["height"]) == (facts["width"], facts["height"])
    assert seen["colours"] > 200 and 0.005 < seen["dark"] < 0.5, seen  # text and charts, not a blank page
    assert guard.console_errors == [] and guard.page_errors == [] and guard.external() == []
