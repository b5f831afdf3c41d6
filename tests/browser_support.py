"""A real browser for the tests of pages: the system's Chromium driven by Playwright, a guard on what a page did,
and an accessibility audit run inside the page.  Shared by the report, dashboard and desk tests.

Importing this module skips the importing test module when no Chromium or Playwright is at hand, except in CI,
where either one missing is a broken setup and fails.
"""
from __future__ import annotations

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

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(os.environ.get("GRADER_ARTIFACTS") or Path(__file__).resolve().parent / "artifacts" / "screenshots")


@dataclass
class Guard:
    """What a page did that a self-contained, script-clean page must not: requests off disk, errors."""

    blocked: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def external(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file:", "data:", "about:"))]

    def clean(self) -> bool:
        return not (self.blocked or self.console_errors or self.page_errors)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


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


def audit(page) -> dict:
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    return page.evaluate(AUDIT)


def problems(result: dict) -> dict[str, list[str]]:
    return {k: v for k, v in result.items() if k not in ("checked", "lowest") and v}


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
