"""Chart builders for the HTML report: plain data in, self-contained markup out.

The report must open offline on a student's phone, so every picture is inline SVG (charts) or a PNG data URI
(digit images) — never a script or an external request.  All functions are pure and format numbers with fixed
precision, so the same result always renders byte-identical markup (the golden tests rely on it).  Any text that
came from a result (titles, labels, series names) may be student-controlled and is escaped here, because the
markup is inserted into the template as already-safe.
"""
from __future__ import annotations

import base64
import math
from html import escape
from typing import Any, Iterable

import numpy as np

# Okabe–Ito: distinguishable with the common colour-vision deficiencies; dashes and markers do the rest.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "7 4", "2 3", "9 3 2 3", "4 2", "1 5", "12 3")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "circle", "square")


def fmt_number(value: Any) -> str:
    """A number as people read it: integers bare, others to 4 decimals, only tiny ones in scientific form."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)  # not escaped: callers escape for their medium
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("0", "-0") else f"{value:.2e}"


def _t(text: Any) -> str:
    return escape(str(text), quote=True)


def _c(value: float) -> str:
    """Coordinates at one decimal: precise enough on screen, stable across platforms."""
    return f"{value:.1f}"


def _finite(values: Iterable[Any]) -> list[float | None]:
    out: list[float | None] = []
    for v in values:
        ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        out.append(float(v) if ok else None)
    return out


def nice_ticks(lo: float, hi: float, count: int = 5, integer: bool = False) -> list[float]:
    """Round tick values (1, 2, 5 × 10^k steps) covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(count - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    if integer:
        step = max(1.0, round(step))
    first = math.floor(lo / step + 1e-9) * step
    ticks, k = [], 0
    while first + k * step <= hi + step * 1e-9:
        ticks.append(round(first + k * step, 10))
        k += 1
    if ticks and ticks[-1] < hi - 1e-12:
        ticks.append(round(first + k * step, 10))
    return ticks


def _marker(kind: str, x: float, y: float, color: str) -> str:
    if kind == "square":
        return f'<rect x="{_c(x - 3.5)}" y="{_c(y - 3.5)}" width="7" height="7" fill="{color}"/>'
    if kind == "triangle":
        pts = f"{_c(x)},{_c(y - 4.5)} {_c(x + 4.5)},{_c(y + 3.5)} {_c(x - 4.5)},{_c(y + 3.5)}"
        return f'<polygon points="{pts}" fill="{color}"/>'
    if kind == "diamond":
        pts = f"{_c(x)},{_c(y - 5)} {_c(x + 5)},{_c(y)} {_c(x)},{_c(y + 5)} {_c(x - 5)},{_c(y)}"
        return f'<polygon points="{pts}" fill="{color}"/>'
    if kind == "cross":
        return (f'<path d="M{_c(x - 4)} {_c(y - 4)}L{_c(x + 4)} {_c(y + 4)}M{_c(x - 4)} {_c(y + 4)}'
                f'L{_c(x + 4)} {_c(y - 4)}" stroke="{color}" stroke-width="2"/>')
    return f'<circle cx="{_c(x)}" cy="{_c(y)}" r="3.8" fill="{color}"/>'


def line_chart_svg(curve: dict[str, Any], width: int = 480, height: int = 320) -> str | None:
    """An inline SVG line chart of ``{"title", "x_label", "y_label", "series": {name: [numbers]}}``.

    x is ``curve["x"]`` when given, else 1, 2, 3… (losses are recorded after each epoch).  Non-finite values
    (a diverged loss) leave gaps instead of breaking the scale.  Returns None when there is nothing to draw.
    """
    series = {str(k): _finite(v) for k, v in (curve.get("series") or {}).items() if isinstance(v, list)}
    series = {k: v for k, v in series.items() if any(y is not None for y in v)}
    if not series:
        return None
    n = max(len(v) for v in series.values())
    given_x = _finite(curve.get("x") or [])
    xs = [given_x[i] if i < len(given_x) and given_x[i] is not None else float(i + 1) for i in range(n)]
    ys = [y for v in series.values() for y in v if y is not None]
    x_ticks = nice_ticks(min(xs), max(xs), 6, integer=all(x.is_integer() for x in xs))
    y_ticks = nice_ticks(min(ys), max(ys), 5)
    x0, x1, y0, y1 = x_ticks[0], x_ticks[-1], y_ticks[0], y_ticks[-1]
    longest = max(len(name) for name in series)
    per_row = 3 if longest <= 11 else 2 if longest <= 20 else 1  # legend entries per row, so names never overlap
    rows = math.ceil(len(series) / per_row)
    left, right, top, bottom = 62, 16, 14, 60 + 24 * rows
    pw, ph = width - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + (x - x0) / ((x1 - x0) or 1) * pw

    def py(y: float) -> float:
        return top + ph - (y - y0) / ((y1 - y0) or 1) * ph

    title = str(curve.get("title") or "Chart")
    label = f"{title}: " + "; ".join(
        f"{name} from {fmt_number(next(y for y in v if y is not None))} to "
        f"{fmt_number(next(y for y in reversed(v) if y is not None))}" for name, v in series.items())
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{_t(label)}">',
           f"<title>{_t(label)}</title>",
           f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#fff" stroke="#595959"/>']
    for t in y_ticks:
        y = py(t)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{_c(y)}" y2="{_c(y)}" stroke="#e0e0e0"/>')
        out.append(f'<text x="{left - 6}" y="{_c(y + 4)}" text-anchor="end" class="tick">{fmt_number(t)}</text>')
    for t in x_ticks:
        x = px(t)
        out.append(f'<line x1="{_c(x)}" x2="{_c(x)}" y1="{top + ph}" y2="{top + ph + 5}" stroke="#595959"/>')
        out.append(f'<text x="{_c(x)}" y="{top + ph + 20}" text-anchor="middle" class="tick">{fmt_number(t)}'
                   "</text>")
    out.append(f'<text x="{left + pw / 2:.1f}" y="{top + ph + 40}" text-anchor="middle" class="axis">'
               f'{_t(curve.get("x_label", ""))}</text>')
    out.append(f'<text transform="translate(15 {top + ph / 2:.1f}) rotate(-90)" text-anchor="middle" '
               f'class="axis">{_t(curve.get("y_label", ""))}</text>')
    for i, (name, values) in enumerate(series.items()):
        color, dash, marker = PALETTE[i % 7], DASHES[i % 7], MARKERS[i % 7]
        pts = [(px(xs[j]), py(y)) for j, y in enumerate(values) if y is not None]
        path, pen_up = [], True
        for j, y in enumerate(values):
            if y is None:
                pen_up = True
                continue
            path.append(f'{"M" if pen_up else "L"}{_c(px(xs[j]))} {_c(py(y))}')
            pen_up = False
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<path d="{"".join(path)}" fill="none" stroke="{color}" stroke-width="2.2"{dash_attr}/>')
        if len(pts) <= 40:
            out.extend(_marker(marker, x, y, color) for x, y in pts)
        lx, ly = left + (i % per_row) * (pw / per_row), top + ph + 64 + 24 * (i // per_row)
        out.append(f'<line x1="{_c(lx)}" x2="{_c(lx + 34)}" y1="{_c(ly)}" y2="{_c(ly)}" stroke="{color}" '
                   f'stroke-width="2.2"{dash_attr}/>')
        out.append(_marker(marker, lx + 17, ly, color))
        out.append(f'<text x="{_c(lx + 42)}" y="{_c(ly + 4)}" class="legend">{_t(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _mix(hex_color: str, t: float) -> tuple[int, int, int]:
    """``hex_color`` blended with white: t=0 is white, t=1 the full colour."""
    rgb = [int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]
    return tuple(round(255 + (c - 255) * t) for c in rgb)  # type: ignore[return-value]


def _ink_for(rgb: tuple[int, int, int]) -> str:
    """Black or white text, whichever contrasts more with the fill (WCAG relative luminance)."""
    def lin(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    lum = 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
    return "#000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#fff"


def confusion_svg(conf: dict[str, Any], cell: int = 38) -> str | None:
    """An inline SVG heatmap of ``{"title", "labels", "matrix"}`` (rows = true digit, columns = predicted).

    Correct predictions (the diagonal) use a blue scale with a heavy outline; mistakes use an orange scale, each
    scaled to its own maximum so a few errors stay visible next to hundreds of hits.  Every cell prints its count.
    """
    matrix = conf.get("matrix") or []
    try:
        m = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError):
        return None
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.size == 0 or not np.isfinite(m).all():
        return None
    n = m.shape[0]
    labels = [str(x) for x in (conf.get("labels") or [])][:n]
    labels += [str(i) for i in range(len(labels), n)]
    diag = np.eye(n, dtype=bool)
    max_hit = float(m[diag].max()) or 1.0
    max_miss = float(m[~diag].max()) if n > 1 else 0.0
    left, top = 64, 52
    width, height = left + n * cell + 10, top + n * cell + 10
    title = str(conf.get("title") or "Confusion matrix")
    total, right = m.sum(), np.trace(m)
    label = (f"{title}: {fmt_number(int(right))} of {fmt_number(int(total))} predictions correct; rows are the "
             "true digit, columns the predicted digit")
    out = [f'<svg class="confusion" viewBox="0 0 {width} {height}" role="img" aria-label="{_t(label)}">',
           f"<title>{_t(label)}</title>",
           f'<text x="{left + n * cell / 2:.1f}" y="14" text-anchor="middle" class="axis">predicted</text>',
           f'<text transform="translate(14 {top + n * cell / 2:.1f}) rotate(-90)" text-anchor="middle" '
           'class="axis">true digit</text>']
    for i, name in enumerate(labels):
        out.append(f'<text x="{left + i * cell + cell / 2:.1f}" y="{top - 10}" text-anchor="middle" '
                   f'class="tick">{_t(name)}</text>')
        out.append(f'<text x="{left - 8}" y="{top + i * cell + cell / 2 + 4:.1f}" text-anchor="end" '
                   f'class="tick">{_t(name)}</text>')
    outlines = []
    for r in range(n):
        for c in range(n):
            v = float(m[r, c])
            if r == c:
                fill = _mix("#0b4f8a", 0.15 + 0.85 * v / max_hit)
            elif v > 0:
                fill = _mix("#c2410c", 0.12 + 0.88 * v / (max_miss or 1.0))
            else:
                fill = (255, 255, 255)
            ink = _ink_for(fill) if (v > 0 or r == c) else "#6b6b6b"
            x, y = left + c * cell, top + r * cell
            weight = ' font-weight="700"' if r == c else ""
            out.append(f'<g><title>true {_t(labels[r])}, predicted {_t(labels[c])}: {fmt_number(v)}</title>'
                       f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="rgb{fill}" stroke="#c8c8c8"/>'
                       f'<text x="{x + cell / 2:.1f}" y="{y + cell / 2 + 4:.1f}" text-anchor="middle" '
                       f'class="count" fill="{ink}"{weight}>{fmt_number(v)}</text></g>')
            if r == c:
                outlines.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" '
                                'fill="none" stroke="#000" stroke-width="2"/>')
    out.extend(outlines)
    out.append("</svg>")
    return "\n".join(out)


def digit_data_uri(pixels: Iterable[Any], invert: bool = True) -> str | None:
    """A digit image as a ``data:image/png`` URI from 784 (or any square count of) 0–255 values, row-major.

    MNIST stores white ink on black; by default the image is inverted to dark ink on white, as the book shows
    digits (``cmap='Greys'``).  Returns None for data that is not a square image.
    """
    try:
        a = np.asarray(list(pixels), dtype=float)
    except (TypeError, ValueError):
        return None
    side = math.isqrt(a.size)
    if a.size == 0 or side * side != a.size or not np.isfinite(a).all():
        return None
    img = np.clip(np.rint(a), 0, 255).astype(np.uint8).reshape(side, side)
    if invert:
        img = 255 - img
    return "data:image/png;base64," + base64.b64encode(_encode_png(img)).decode("ascii")


def _encode_png(img: np.ndarray) -> bytes:
    from grader.data.png import encode_png
    return encode_png(img)


def histogram_svg(values: Iterable[Any], edges: Iterable[float] = tuple(range(0, 101, 10)), *,
                  title: str = "Score distribution", x_label: str = "score (%)", y_label: str = "students",
                  unit: str = "%", width: int = 480, height: int = 300) -> str | None:
    """An inline SVG histogram of ``values`` over the bins ``edges`` (the last bin includes its upper edge).

    Values outside the edges are counted in the nearest end bin (an override can lift a score past 100 %);
    non-finite values are left out.  Every bar prints its count, so the chart reads without colour and the
    accessible name lists every non-empty bin.  Returns None when there is nothing to draw.
    """
    bounds = [float(e) for e in edges]
    data = [v for v in _finite(values) if v is not None]
    if not data or len(bounds) < 2 or any(b <= a for a, b in zip(bounds, bounds[1:])):
        return None
    counts = [0] * (len(bounds) - 1)
    for v in data:
        i = next((k for k in range(len(counts)) if v < bounds[k + 1]), len(counts) - 1)
        counts[i] += 1
    y_ticks = nice_ticks(0, max(counts), 5, integer=True)
    left, right, top, bottom = 56, 14, 24, 58
    pw, ph = width - left - right, height - top - bottom
    lo, hi, y_max = bounds[0], bounds[-1], y_ticks[-1] or 1.0

    def px(x: float) -> float:
        return left + (x - lo) / (hi - lo) * pw

    def py(y: float) -> float:
        return top + ph - y / y_max * ph

    def span(k: int) -> str:
        return f"{fmt_number(bounds[k])}–{fmt_number(bounds[k + 1])}{unit}"

    filled = "; ".join(f"{span(k)}: {c}" for k, c in enumerate(counts) if c)
    label = f"{title}: {len(data)} {y_label}; {filled}"
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{_t(label)}">',
           f"<title>{_t(label)}</title>",
           f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#fff" stroke="#595959"/>']
    for t in y_ticks:
        y = py(t)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{_c(y)}" y2="{_c(y)}" stroke="#e0e0e0"/>')
        out.append(f'<text x="{left - 6}" y="{_c(y + 4)}" text-anchor="end" class="tick">{fmt_number(t)}</text>')
    for k, count in enumerate(counts):
        x0, x1 = px(bounds[k]), px(bounds[k + 1])
        y = py(count)
        out.append(f"<g><title>{_t(span(k))}: {count} of {len(data)}</title>"
                   f'<rect x="{_c(x0 + 1.5)}" y="{_c(y)}" width="{_c(max(x1 - x0 - 3, 1))}" '
                   f'height="{_c(top + ph - y)}" fill="#0b4f8a"/>'
                   + (f'<text x="{_c((x0 + x1) / 2)}" y="{_c(y - 5)}" text-anchor="middle" class="count">'
                      f"{count}</text>" if count else "") + "</g>")
    for edge in bounds:
        x = px(edge)
        out.append(f'<line x1="{_c(x)}" x2="{_c(x)}" y1="{top + ph}" y2="{top + ph + 5}" stroke="#595959"/>')
        out.append(f'<text x="{_c(x)}" y="{top + ph + 20}" text-anchor="middle" class="tick">{fmt_number(edge)}'
                   "</text>")
    out.append(f'<text x="{left + pw / 2:.1f}" y="{top + ph + 42}" text-anchor="middle" class="axis">'
               f"{_t(x_label)}</text>")
    out.append(f'<text transform="translate(15 {top + ph / 2:.1f}) rotate(-90)" text-anchor="middle" '
               f'class="axis">{_t(y_label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
