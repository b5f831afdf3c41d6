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
import os
import shutil
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# In CI a browser test that does not run is a failure: .ci/run installs Debian's chromium, and the test extra
# installs Playwright, so either one missing there is a broken setup, not a reason to skip.
IN_CI = bool(os.environ.get("CI"))
if IN_CI:
    import playwright.sync_api as sync_api
else:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")


def _chromium() -> str | None:
    configured = os.environ.get("GRADER_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM = _chromium()
if CHROMIUM is None and IN_CI:
    pytest.fail("CI=true but no Chromium binary: .ci/run installs Debian's chromium (apt-get install chromium)",
                pytrace=False)
if CHROMIUM is None:
    pytest.skip("no Chromium binary: install Debian's chromium or point GRADER_CHROMIUM at one",
                allow_module_level=True)

from class_factories import STARTER, class_codes, class_rows, make_class  # noqa: E402
from grader.review.flags import find_flags  # noqa: E402
from grader.report import render_dashboard, render_html  # noqa: E402
from grader.report import dashboard as dashboard_view  # noqa: E402
from grader.report import html as report_view  # noqa: E402
from report_factories import every_outcome_result  # noqa: E402

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
# The audit also runs with the reader's system set to dark: the pages declare light colours and must keep them.
LOOKS = {"desktop": (DESKTOP, "light"), "phone": (PHONE, "light"), "dark-system": (DESKTOP, "dark")}
TITLE = "Chapter 4: MNIST basics — autumn class"
ARTIFACTS = Path(os.environ.get("GRADER_ARTIFACTS") or Path(__file__).resolve().parents[1] / "artifacts" / "screenshots")


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

@dataclass
class Guard:
    """What a page did that a self-contained, script-clean page must not: requests off disk, errors."""

    blocked: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def external(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file:", "data:", "about:"))]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


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

AUDIT = r"""
() => {
  const out = {headings: [], pictures: [], contrast: [], colour: [], controls: [], document: [], tables: [],
               links: [], keyboard: [], lowest: [],
               checked: {text: 0, svgText: 0, svgOnColour: 0, statuses: 0, scrollers: 0}};
  const say = (el) => {
    const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 50);
    const cls = el.getAttribute("class") ? "." + el.getAttribute("class").trim().split(/\s+/).join(".") : "";
    return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls}> "${text}"`;
  };
  const shown = (el) => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  const hiddenFromAT = (el) => !!el.closest("[aria-hidden='true']");
  const byIds = (ids) => (ids || "").split(/\s+/).filter(Boolean)
    .map((id) => { const e = document.getElementById(id); return e ? e.textContent : ""; }).join(" ").trim();
  const name = (el) => {
    const labelled = byIds(el.getAttribute("aria-labelledby"));
    if (labelled) return labelled;
    const aria = (el.getAttribute("aria-label") || "").trim();
    if (aria) return aria;
    if (el.labels && el.labels.length) return Array.from(el.labels).map((l) => l.textContent).join(" ").trim();
    if (el.namespaceURI === "http://www.w3.org/2000/svg") {
      const title = Array.from(el.children).find((c) => c.tagName.toLowerCase() === "title");
      return title ? title.textContent.trim() : "";
    }
    if (el.tagName === "IMG") return (el.getAttribute("alt") || "").trim();
    if (el.tagName === "INPUT" && ["button", "submit", "reset"].includes(el.type)) return (el.value || "").trim();
    const text = (el.innerText || el.textContent || "").trim();
    return text || (el.getAttribute("title") || "").trim();
  };

  // The document: a language and a title.
  if (!(document.documentElement.getAttribute("lang") || "").trim()) out.document.push("<html> has no lang");
  if (!document.title.trim()) out.document.push("no <title>");

  // Headings: exactly one h1, first; never a level skipped going down.
  const heads = Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6")).filter(shown);
  const levels = heads.map((h) => Number(h.tagName[1]));
  if (levels.filter((l) => l === 1).length !== 1) out.headings.push(`${levels.filter((l) => l === 1).length} h1`);
  if (levels.length && levels[0] !== 1) out.headings.push(`first heading is h${levels[0]}`);
  levels.forEach((l, i) => {
    if (i && l > levels[i - 1] + 1) out.headings.push(`h${levels[i - 1]} then h${l}: ${say(heads[i])}`);
  });
  heads.forEach((h) => { if (!h.textContent.trim()) out.headings.push(`empty ${say(h)}`); });

  // Pictures: every <img> has alt text (and loaded), every outermost <svg> and role="img" has a name.
  document.querySelectorAll("img").forEach((img) => {
    if (hiddenFromAT(img) || img.getAttribute("role") === "presentation") return;
    if (!(img.getAttribute("alt") || "").trim()) out.pictures.push(`no alt: ${say(img)}`);
    if (!img.complete || !img.naturalWidth) out.pictures.push(`did not load: ${img.getAttribute("alt")}`);
  });
  document.querySelectorAll("svg").forEach((svg) => {
    if (svg.parentElement.closest("svg") || hiddenFromAT(svg)) return;
    if (svg.getAttribute("role") !== "img") out.pictures.push(`svg without role="img": ${say(svg)}`);
    if (!name(svg)) out.pictures.push(`svg without a name: ${say(svg)}`);
  });
  document.querySelectorAll("[role='img']").forEach((el) => {
    if (!hiddenFromAT(el) && !name(el)) out.pictures.push(`role="img" without a name: ${say(el)}`);
  });

  // Controls and links have names.
  document.querySelectorAll("button, input:not([type='hidden']), select, textarea, summary, [role='button']")
    .forEach((el) => { if (!name(el)) out.controls.push(`no label: ${say(el)}`); });
  document.querySelectorAll("a[href]").forEach((a) => { if (!name(a)) out.links.push(`no text: ${say(a)}`); });

  // Keyboard: a box that scrolls can be reached (it or something in it takes focus), and says what it holds.
  const focusable = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])";
  document.querySelectorAll("body *").forEach((el) => {
    if (el.namespaceURI !== "http://www.w3.org/1999/xhtml" || !shown(el)) return;
    const style = getComputedStyle(el);
    const sideways = ["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const down = ["auto", "scroll"].includes(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    if (!sideways && !down) return;
    out.checked.scrollers += 1;
    if (el.getAttribute("tabindex") === "0") {
      if (!name(el) || !el.getAttribute("role")) {
        out.keyboard.push(`focusable scroller without a role and name: ${say(el)}`);
      }
    } else if (!el.querySelector(focusable)) {
      out.keyboard.push(`scrolls but cannot be reached by keyboard: ${say(el)}`);
    }
  });

  // Tables: header cells, each saying what it heads.
  document.querySelectorAll("table").forEach((table) => {
    const ths = table.querySelectorAll("th");
    if (!ths.length) out.tables.push(`no header cells: ${say(table)}`);
    ths.forEach((th) => {
      if (!["col", "row", "colgroup", "rowgroup"].includes(th.getAttribute("scope") || "")) {
        out.tables.push(`th without scope: ${say(th)}`);
      }
    });
    if (table.tHead && !table.tHead.querySelector("th")) out.tables.push(`<thead> without th: ${say(table)}`);
  });

  // Status without colour: whatever is coloured by outcome (o-*) or flag kind (k-*) says it in words.
  document.querySelectorAll("[class*='o-'], [class*='k-']").forEach((el) => {
    const m = (el.getAttribute("class") || "").match(/(?:^|\s)[ok]-([a-z]+)(?:\s|$)/);
    if (!m || !shown(el)) return;
    out.checked.statuses += 1;
    const words = (el.innerText || "").toLowerCase();
    if (!new RegExp(`\\b${m[1]}\\b`).test(words)) out.colour.push(`"${m[1]}" shown by colour only: ${say(el)}`);
  });
  document.querySelectorAll(".bar").forEach((bar) => {
    const label = bar.getAttribute("role") === "img" ? name(bar) : "";
    const beside = bar.parentElement ? bar.parentElement.innerText : "";
    if (!/\d%/.test(label) && !/\d%/.test(beside)) out.colour.push(`bar without its number: ${say(bar)}`);
  });

  // Contrast: every visible piece of text against the colour actually behind it.
  const parse = (value) => {
    let m = value.match(/^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/);
    if (!m) m = value.match(/^color\(srgb\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)(?:\s*\/\s*([\d.]+%?))?\s*\)$/);
    if (!m) return null;
    const scale = value.startsWith("color(") ? 255 : 1;
    let a = m[4] === undefined ? 1 : m[4].endsWith("%") ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return [parseFloat(m[1]) * scale, parseFloat(m[2]) * scale, parseFloat(m[3]) * scale, a];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const luminance = (c) => {
    const lin = c.slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const htmlBackground = (el) => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.backgroundImage && style.backgroundImage !== "none") {
        return {problem: `background image behind ${say(el)}`};
      }
      const bg = parse(style.backgroundColor);
      if (!bg) return {problem: `unreadable background ${style.backgroundColor} behind ${say(el)}`};
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let colour = [255, 255, 255, 1];  // the canvas
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return {colour};
  };
  const svgBackground = (text) => {
    text.scrollIntoView({block: "center", inline: "center"});
    const box = text.getBoundingClientRect();
    const stack = document.elementsFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    for (const e of stack) {
      if (e === text || text.contains(e)) continue;
      if (e.namespaceURI === "http://www.w3.org/2000/svg" && e.tagName.toLowerCase() !== "svg") {
        if (["text", "tspan", "g", "title"].includes(e.tagName.toLowerCase())) continue;
        const style = getComputedStyle(e);
        const fill = style.fill === "none" ? null : parse(style.fill);
        if (fill && Number(style.fillOpacity) >= 1 && Number(style.opacity) >= 1) return {colour: fill};
        continue;
      }
      return htmlBackground(e);
    }
    return htmlBackground(text.closest("svg"));
  };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.nodeValue.trim() || !el || texts.includes(el)) continue;
    if (["SCRIPT", "STYLE", "TITLE", "title", "desc"].includes(el.tagName)) continue;
    texts.push(el);
  }
  for (const el of texts) {
    const svg = el.namespaceURI === "http://www.w3.org/2000/svg";
    if (svg ? !el.closest("svg").checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) : !shown(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // visually hidden text for screen readers
    const style = getComputedStyle(el);
    const fg = parse(svg ? style.fill : style.color);
    if (!fg) { out.contrast.push(`unreadable text colour on ${say(el)}`); continue; }
    const behind = svg ? svgBackground(el) : htmlBackground(el);
    if (behind.problem) { out.contrast.push(behind.problem); continue; }
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const large = !svg && (size >= 24 || (size >= 18.66 && bold));
    const need = large ? 3 : 4.5;
    const got = ratio(over(fg, behind.colour), behind.colour);
    if (svg) out.checked.svgText += 1; else out.checked.text += 1;
    if (svg && luminance(behind.colour) < 0.5) out.checked.svgOnColour += 1;
    out.lowest.push([Number(got.toFixed(2)), say(el)]);
    if (got < need) {
      out.contrast.push(`${got.toFixed(2)}:1 < ${need}:1 for ${say(el)} (${svg ? style.fill : style.color} on ` +
                        `rgb(${behind.colour.slice(0, 3).map(Math.round).join(", ")}))`);
    }
  }
  out.lowest = out.lowest.sort((a, b) => a[0] - b[0]).slice(0, 5);
  window.scrollTo(0, 0);
  return out;
}
"""

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


def audit(page) -> dict:
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    return page.evaluate(AUDIT)


def problems(result: dict) -> dict[str, list[str]]:
    return {k: v for k, v in result.items() if k not in ("checked", "lowest") and v}


# ------------------------------------------------------------------------------------------------ screenshots

def png_facts(data: bytes) -> dict:
    """Width and height of a PNG, after checking its chunks, CRCs, format and the size of its pixel data."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    pos, chunks, idat = 8, [], b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        payload = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert len(payload) == length and zlib.crc32(kind + payload) == crc, f"bad {kind!r} chunk"
        chunks.append(kind)
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", payload)
        elif kind == b"IDAT":
            idat += payload
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND" and b"IDAT" in chunks, chunks
    assert depth == 8 and interlace == 0 and colour in (2, 6), (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    assert len(zlib.decompress(idat)) == height * (1 + width * channels), "pixel data has the wrong size"
    return {"width": width, "height": height}


PIXELS = """
async (uri) => {
  const img = new Image();
  img.src = uri;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const colours = new Set();
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) {
    colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    if (data[i] + data[i + 1] + data[i + 2] < 200) dark += 1;
  }
  return {width: img.naturalWidth, height: img.naturalHeight, colours: colours.size, dark: dark / (data.length / 4)};
}
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
