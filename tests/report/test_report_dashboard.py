"""The class dashboard: golden output, escaping, accessibility, links, sorting and the histogram."""
from __future__ import annotations

import re

import pytest

from class_factories import EVIL, STARTER, Tags, class_codes, class_rows, make_class, result_for
from grader.review.flags import Flag, find_flags
from grader.report import render_dashboard
from grader.report.dashboard import ClassRow, context, safe_href
from grader.report.plots import histogram_svg
from report_factories import assert_golden

TITLE = "Chapter 4: MNIST basics — autumn class"
GENERATED = "2024-05-02T09:00:00+00:00"


def render() -> str:
    results = make_class()
    return render_dashboard(class_rows(results), find_flags(results, class_codes(), STARTER), title=TITLE,
                            generated=GENERATED)


@pytest.fixture(scope="module")
def html() -> str:
    return render()


@pytest.fixture(scope="module")
def ctx() -> dict:
    results = make_class()
    return context(class_rows(results), find_flags(results, class_codes(), STARTER), title=TITLE,
                   generated=GENERATED)


def test_matches_golden(html):
    assert_golden("dashboard_basic.html", html)


def test_rendering_is_deterministic(html):
    assert render() == html


def test_headline_numbers(ctx, html):
    head = ctx["headline"]
    assert (head["students"], head["scored"], head["unscored"]) == (6, 5, 1)
    assert head["median"] == "47.4%" and head["mean"] == "63.4%"  # of 100, 100, 47.4, 40, 29.4; frank unscored
    assert head["flagged"] == 5 and head["flags"] == 6 and head["needs_review"] == 2
    assert head["grader_version"] == "0.1.0" and head["isolation"].startswith("mixed: bubblewrap")
    assert head["graded"] == "2024-05-01T12:00:00+00:00"
    for text in (TITLE, GENERATED, "47.4%", "63.4%", "0.1.0", "bubblewrap"):
        assert text in html


def test_exercises_hardest_first_with_outcome_counts(ctx):
    rows = ctx["exercises"]
    assert [r["id"] for r in rows] == ["q09", "q26", "fr1", "fr2", "q04"]
    q09 = rows[0]
    assert (q09["rate"], q09["passed"], q09["students"]) == ("40%", 2, 5)
    assert dict(q09["counts"]) == {"passed": 2, "partial": 0, "failed": 3, "error or timeout": 0, "missing": 0}
    assert dict(rows[2]["counts"])["error or timeout"] == 1  # carol's fr1 timed out
    assert dict(rows[1]["counts"])["missing"] == 2


def test_students_sorted_by_score_with_flags_and_reviews(ctx):
    students = ctx["students"]
    assert [s["key"] for s in students] == ["bob", "dave", "alice", "eve", "carol", "frank"]
    bob = students[0]
    assert [kind for kind, _ in bob["flags"]] == ["similar", "perfect"]
    assert (bob["points"], bob["percent"], bob["passed"]) == ("19/19", "100.0%", "5/5")
    assert students[2]["review"] == 2 and students[-1]["percent"] == "n/a"


def test_hostile_student_text_is_escaped():
    results = make_class()
    results["eve"].exercises[0].title = EVIL
    flags = find_flags(results, class_codes(), STARTER) + [
        Flag("eve", "similar", EVIL, [EVIL, "x\" onmouseover=\"alert(1)"], ["<b>mallory</b>"])]
    out = render_dashboard(class_rows(results) + [ClassRow("<i>k</i>", EVIL, result_for("k"), "k/report.html")],
                           flags, title=EVIL, generated=EVIL)
    assert "<script>alert" not in out and "<b>mallory" not in out and "<i>k" not in out
    assert 'onmouseover="' not in out
    assert out.count("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;") >= 8
    assert len(Tags(out).all("script")) == 1  # only the dashboard's own sorting script


def test_every_svg_has_an_accessible_name(html):
    svgs = Tags(html).all("svg")
    assert len(svgs) == 1
    for svg in svgs:
        assert svg.get("role") == "img" and (svg.get("aria-label") or "").strip()
    label = svgs[0]["aria-label"]
    assert label == "Score distribution: 5 students; 20–30%: 1; 40–50%: 2; 90–100%: 2"
    assert f"<title>{label}</title>" in html


def test_headings_are_in_order(html):
    levels = [int(tag[1]) for tag, _ in Tags(html).tags if re.fullmatch(r"h[1-6]", tag)]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, levels


def test_links_point_to_reports_and_flags(html, ctx):
    hrefs = [a["href"] for a in Tags(html).all("a")]
    for key in ("alice", "bob", "carol", "dave", "eve", "frank"):
        assert f"{key}/report.html" in hrefs
    ids = {attrs["id"] for _, attrs in Tags(html).tags if attrs.get("id")}
    for href in hrefs:
        assert href.startswith("#") or href.endswith("/report.html"), href
        if href.startswith("#"):
            assert href[1:] in ids, href
    similar = next(s for s in ctx["sections"] if s["kind"] == "similar")
    assert similar["entries"][0]["others"] == [{"key": "bob", "name": "bob", "href": "bob/report.html"}]


@pytest.mark.parametrize("href, expected", [
    ("alice/report.html", "alice/report.html"), ("a b/report.html", "a%20b/report.html"),
    ("javascript:alert(1)", None), ("JavaScript:alert(1)", None), ("https://evil.example/x", None),
    ("//evil.example/x", None), ("\\\\host\\share", None), ("", None), ("data:text/html,hi", None),
])
def test_only_relative_links_are_kept(href, expected):
    assert safe_href(href) == expected


def test_a_hostile_href_is_not_linked():
    results = make_class()
    rows = [ClassRow(r.student, r.name, r.result, "javascript:alert(1)" if r.student == "eve" else r.report_href)
            for r in class_rows(results)]
    out = render_dashboard(rows, [], title=TITLE, generated=GENERATED)
    assert "javascript:" not in out and "no report" in out


def test_no_external_resources(html):
    tags = Tags(html)
    for tag, attrs in tags.tags:
        for name in ("src", "href", "srcset", "poster", "data", "action"):
            value = (attrs.get(name) or "").strip()
            if value:
                assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", value, re.I), (tag, name, value)
    assert all(not attrs.get("src") for attrs in tags.all("script"))
    assert tags.all("link") == [] and tags.all("iframe") == [] and tags.all("img") == []
    assert "@import" not in tags.style and "url(" not in tags.style
    assert "http://" not in html and "https://" not in html


def test_reads_without_javascript(html):
    # The table is already in score order and its headers are plain text until the script adds buttons.
    assert "<button" not in html and 'aria-sort="descending"' in html
    body = html.split('<table id="student-table" class="cards">', 1)[1].split("</table>", 1)[0]
    names = re.findall(r'<tr><th scope="row">([^<]*)</th>', body)
    assert names == ["bob", "dave", "alice", "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;", "carol", "frank"]


def test_information_is_never_colour_alone(html):
    for kind in ("similar", "perfect", "timeout", "sandbox", "grader"):
        assert f">{kind}</a>" in html  # the flag's kind as a word in the students table
    for label in ("Passed", "Partial", "Failed", "Error or timeout", "Missing"):
        assert f">{label}</th>" in html
    assert re.search(r'<div class="bar" aria-hidden="true">.*?</div><span>40% ', html)


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)] if len(hex_colour) == 7 else [
        int(c * 2, 16) / 255 for c in hex_colour[1:]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_text_colours_have_enough_contrast(html):
    style = Tags(html).style
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", style))
    pairs = [("ink", "paper"), ("ink", "panel"), ("muted", "paper"), ("muted", "panel"), ("accent", "paper"),
             ("accent", "panel")]
    pairs += [(f"{k}-ink", f"{k}-bg") for k in ("grader", "timeout", "sandbox", "similar", "perfect")]
    for fg, bg in pairs:
        assert contrast(colours[fg], colours[bg]) >= 4.5, (fg, bg, contrast(colours[fg], colours[bg]))
    assert contrast("#1b1b1b", "#ffffff") >= 4.5  # svg text on the chart's white plot area


def test_mobile_ready_document(html):
    tags = Tags(html)
    assert any(m.get("name") == "viewport" for m in tags.all("meta"))
    assert tags.all("html")[0].get("lang") == "en"
    # Wide tables scroll in their own box (which contains even the visually hidden link text), not the page.
    assert "@media (max-width" in tags.style and ".scroll { overflow-x: auto; position: relative; }" in tags.style
    scrollers = [attrs for attrs in tags.all("div") if attrs.get("class") == "scroll"]
    assert len(scrollers) == 2
    for attrs in scrollers:  # reachable by keyboard, and named for screen readers
        assert attrs.get("tabindex") == "0" and attrs.get("role") == "region" and attrs.get("aria-label")


def test_an_empty_class_still_renders():
    out = render_dashboard([], [], title="Nobody yet", generated="")
    assert "No submission has a score yet." in out and "Nothing flagged" in out and "</html>" in out
    assert Tags(out).all("svg") == []


# ------------------------------------------------------------------------------------------------ histogram

def test_histogram_counts_every_value_in_its_bin():
    svg = histogram_svg([0, 9.99, 10, 55, 100, 100, 120, -5, float("nan"), "x"])
    label = re.search(r'aria-label="([^"]*)"', svg).group(1)
    assert label == "Score distribution: 8 students; 0–10%: 3; 10–20%: 1; 50–60%: 1; 90–100%: 3"
    assert svg.count("<rect") == 1 + 10 and "<title>90–100%: 3 of 8</title>" in svg


def test_histogram_escapes_and_handles_nothing():
    svg = histogram_svg([1, 2], [0, 5], title=EVIL, x_label=EVIL, y_label="<b>", unit="")
    assert "<script" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg
    assert histogram_svg([]) is None and histogram_svg([float("inf")]) is None
    assert histogram_svg([1], [5, 5]) is None and histogram_svg([1], [3]) is None
