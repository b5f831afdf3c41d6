"""The HTML report: golden output, redaction, escaping, accessibility and self-containment."""
from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest

from grader.data.png import decode_png
from grader.report import render_html
from grader.report.html import context, pictures
from grader.results import CaseResult, Outcome, Visibility
from report_factories import (HIDDEN_ACTUAL, HIDDEN_EXPECTED, all_passed_exercises, assert_golden, make_exercises,
                              make_result)

EVIL = "<script>alert('pwned')</script>"
DATA_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <style>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style = ""
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data

    def all(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.tags if tag == name]


def stable(html: str) -> str:
    """PNG bytes depend on the zlib build; compare decoded pixels instead, so the golden file is portable."""
    def pixels(match: re.Match) -> str:
        img = decode_png(base64.b64decode(match.group(1)))
        return f"data:image/png;pixels-sha256,{hashlib.sha256(img.tobytes()).hexdigest()[:16]}-{img.shape}"
    return DATA_URI.sub(pixels, html)


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(make_result())


def test_matches_golden(html):
    assert_golden("report_basic.html", stable(html))


def test_rendering_is_deterministic(html):
    assert render_html(make_result()) == html


def test_hidden_expected_and_actual_never_leak(html):
    assert HIDDEN_EXPECTED not in html and HIDDEN_ACTUAL not in html
    # ...while the hidden case itself and its message are shown, and public values are.
    assert "corner_is_a_tensor" in html and "stay a tensor of the doubled values" in html
    assert "[[10, 12], [16, 18]]" in html and "[[5, 6], [8, 9]]" in html
    assert "The corner must come from t*2, not t" in html


def test_hidden_case_without_redaction_by_caller_still_hidden():
    case = CaseResult("secret", Outcome.FAILED, 0, 1, Visibility.HIDDEN, message="m", expected="EXP-42",
                      actual="ACT-42")
    exercises = make_exercises()
    exercises[0].cases.append(case)
    out = render_html(make_result(exercises=exercises))
    assert "EXP-42" not in out and "ACT-42" not in out and "secret" in out


def test_student_text_is_escaped_everywhere():
    exercises = make_exercises()
    exercises[1].cases[0].message = EVIL
    exercises[1].cases[0].hint = EVIL
    exercises[1].cases[0].actual = EVIL
    exercises[1].title = EVIL
    exercises[1].feedback.append(EVIL)
    exercises[3].artifacts["curves"][0]["series"][EVIL] = [0.1, 0.2]
    exercises[3].artifacts["curves"][0]["title"] = EVIL
    exercises[3].artifacts["metrics"][EVIL] = 1
    exercises[4].artifacts["confusion"]["labels"][0] = EVIL
    exercises[4].artifacts["misclassified"]["items"][0]["label"] = EVIL
    out = render_html(make_result(exercises=exercises, submission=EVIL, notes=[EVIL], grader_errors=[EVIL],
                                  path=EVIL, output=EVIL))
    assert "<script" not in out.lower()
    assert "&lt;script&gt;" in out
    assert out.count("&lt;script&gt;") >= 20


def test_every_image_has_alt_text_and_is_a_data_uri(html):
    tags = Tags(html)
    images = tags.all("img")
    assert len(images) == 8
    for img in images:
        assert (img.get("alt") or "").strip()
        assert img["src"].startswith("data:image/png;base64,")
        assert decode_png(base64.b64decode(img["src"].split(",", 1)[1])).shape == (28, 28)
    assert "true 4 → predicted 9" in html


def test_every_svg_is_labelled(html):
    svgs = Tags(html).all("svg")
    assert len(svgs) == 2  # learning curve + confusion matrix
    for svg in svgs:
        assert svg.get("role") == "img"
        assert (svg.get("aria-label") or "").strip()
    assert html.count("<title>") >= 1 + 2


def test_no_external_resources_or_scripts(html):
    tags = Tags(html)
    for tag, attrs in tags.tags:
        for name in ("src", "href", "srcset", "poster", "data", "action"):
            value = (attrs.get(name) or "").strip()
            if value:
                assert value.startswith(("#", "data:")), (tag, name, value)
    assert tags.all("script") == [] and tags.all("link") == [] and tags.all("iframe") == []
    assert "@import" not in tags.style and "url(" not in tags.style
    assert "http://" not in html and "https://" not in html


def test_headings_are_in_order(html):
    levels = [int(tag[1]) for tag, _ in Tags(html).tags if re.fullmatch(r"h[1-6]", tag)]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, levels


def test_mobile_ready_document(html):
    tags = Tags(html)
    assert any(m.get("name") == "viewport" for m in tags.all("meta"))
    assert tags.all("html")[0].get("lang") == "en"
    assert "@media (max-width" in tags.style


def test_summary_and_metadata(html):
    ctx = context(make_result())
    assert ctx["score"] == "9/19" and ctx["percent"] == "47.4%" and ctx["bar_width"] == "47.4"
    assert [e["outcome"] for e in ctx["exercises"]] == ["passed", "failed", "missing", "partial", "partial"]
    for word in ("passed", "failed", "missing", "partial"):
        assert f"</span> {word}</span>" in html  # the word, not only a colour or an icon
    for text in ("bubblewrap", "cpu", "0.1.0", "2024-05-01T12:00:00+00:00", "Grade report: alice_ch4",
                 "held-out accuracy", "0.9791", "Neutralised 2 IPython magics"):
        assert text in html


def test_scrolling_boxes_can_be_reached_by_keyboard():
    out = render_html(make_result(output="epoch 1: loss 0.5\n" * 200))
    boxes = [attrs for _, attrs in Tags(out).tags if attrs.get("class") in ("scroll", "output")]
    assert len(boxes) == 2  # the summary table's box and the printed output
    for attrs in boxes:
        assert attrs.get("tabindex") == "0" and attrs.get("role") == "region" and attrs.get("aria-label")


def test_grader_errors_are_shown_apart_from_the_student():
    out = render_html(make_result(grader_errors=["hidden suite q09 failed to import: ModuleNotFoundError"]))
    assert 'role="alert"' in out and "not in your work" in out and "ModuleNotFoundError" in out
    assert 'role="alert"' not in render_html(make_result())


def test_check_mode_banner_only_when_everything_passed():
    passed = make_result(exercises=all_passed_exercises(), mode="check")
    assert "hidden tests will run when graded" in render_html(passed)
    assert "hidden tests will run when graded" not in render_html(make_result(mode="check"))


@pytest.mark.parametrize("artifacts", [
    {"curves": [{"title": "t", "series": {"loss": ["a", None, float("nan")]}}]},
    {"curves": [{"title": "t", "series": {"loss": [1.0, float("inf"), 0.5]}}, "junk"]},
    {"confusion": {"matrix": [[1, 2], [3]]}},
    {"confusion": {"matrix": [[1, 2], [3, 4]], "labels": ["only one"]}},
    {"misclassified": {"items": [{"pixels": [1, 2, 3]}, "junk", {"pixels": [0] * 784}]}},
    {"metrics": "not a dict", "something_new": [1, 2, 3]},
    {"curves": "nope", "confusion": [], "misclassified": None},
])
def test_malformed_artifacts_never_break_the_report(artifacts):
    pics = pictures(artifacts)
    assert all(p["kind"] in {"svg", "images", "metrics", "text"} for p in pics)
    exercises = make_exercises()
    exercises[0].artifacts = artifacts
    assert "</html>" in render_html(make_result(exercises=exercises))


def test_unknown_artifact_keys_are_ignored():
    assert pictures({"unknown_future_key": {"x": 1}}) == []
