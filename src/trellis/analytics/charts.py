"""Server-rendered SVG charts (pure functions returning SVG strings) and the CSV that goes with
each chart. No JavaScript, no network: the portal and the self-contained reports inline them."""

from __future__ import annotations

import base64
import csv
import io
import itertools
import math
from collections.abc import Sequence
from html import escape

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22")
FONT = "font-family='system-ui, sans-serif' font-size='12'"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell a spreadsheet will not run: text starting like a formula (``= + - @``, tab, CR)
    gets a leading apostrophe (OWASP, CSV injection); numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buf.getvalue()


def csv_data_uri(text: str) -> str:
    """A ``data:`` URI so a self-contained page can offer the CSV as a download."""
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(text.encode()).decode()


def _svg(width: int, height: int, title: str, body: str) -> str:
    t = escape(title)
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' width='100%' role='img' "
            f"aria-label='{t}' {FONT}><title>{t}</title>{body}</svg>")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    return float(next(m * exp for m in (1, 2, 2.5, 5, 10) if m * exp >= value))


def line_chart(x_labels: Sequence[str], series: dict[str, Sequence[float | None]], *, title: str,
               percent: bool = False, width: int = 720, height: int = 280) -> str:
    """Trend lines, one per series, over categorical x labels (e.g. months). Gaps (None) break
    the line."""
    left, right, top, bottom = 48, 140, 24, 40
    pw, ph = width - left - right, height - top - bottom
    values = [v for s in series.values() for v in s if v is not None]
    ymax = 1.0 if percent else _nice_max(max(values, default=0.0))
    n = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph - ph * v / ymax

    parts = [f"<rect x='{left}' y='{top}' width='{pw}' height='{ph}' fill='#fafafa' stroke='#ccc'/>"]
    for k in range(5):
        tick = ymax * k / 4
        label = f"{tick:.0%}" if percent else f"{tick:g}"
        parts.append(f"<line x1='{left}' x2='{left + pw}' y1='{y(tick):.1f}' y2='{y(tick):.1f}' stroke='#e5e5e5'/>"
                     f"<text x='{left - 6}' y='{y(tick) + 4:.1f}' text-anchor='end'>{label}</text>")
    step = max(1, math.ceil(n / 6))
    for i, lab in enumerate(x_labels):
        if i % step == 0:
            parts.append(f"<text x='{x(i):.1f}' y='{top + ph + 16}' text-anchor='middle'>{escape(lab)}</text>")
    for j, (name, vals) in enumerate(series.items()):
        colour = PALETTE[j % len(PALETTE)]
        segments: list[list[str]] = [[]]
        for i, v in enumerate(vals):
            if v is None:
                segments.append([])
                continue
            segments[-1].append(f"{x(i):.1f},{y(v):.1f}")
            parts.append(f"<circle cx='{x(i):.1f}' cy='{y(v):.1f}' r='2.5' fill='{colour}'>"
                         f"<title>{escape(name)} {escape(x_labels[i])}: {v:.3g}</title></circle>")
        parts.extend(f"<polyline points='{' '.join(seg)}' fill='none' stroke='{colour}' stroke-width='2'/>"
                     for seg in segments if len(seg) > 1)
        ly = top + 14 + 18 * j
        parts.append(f"<rect x='{left + pw + 12}' y='{ly - 9}' width='12' height='4' fill='{colour}'/>"
                     f"<text x='{left + pw + 30}' y='{ly - 4}'>{escape(name)}</text>")
    return _svg(width, height, title, "".join(parts))


def _colour(t: float) -> str:
    """0 → red, 0.5 → amber, 1 → green (colour-blind-safe enough with the numbers printed)."""
    t = min(max(t, 0.0), 1.0)
    stops = ((0.0, (215, 48, 39)), (0.5, (254, 224, 139)), (1.0, (26, 152, 80)))
    for (a, ca), (b, cb) in itertools.pairwise(stops):
        if t <= b:
            f = (t - a) / (b - a)
            r, g, bl = (round(ca[i] + f * (cb[i] - ca[i])) for i in range(3))
            return f"rgb({r},{g},{bl})"
    return "rgb(26,152,80)"


def _blue(t: float) -> str:
    """Sequential scale for counts: white → dark blue."""
    t = min(max(t, 0.0), 1.0)
    r, g, b = (round(247 + t * (c - 247)) for c in (8, 81, 156))
    return f"rgb({r},{g},{b})"


def heatmap(rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[float | None]], *, title: str,
            fmt: str = "{:.0%}", cap: float = 1.0, cell: int = 56, sequential: bool = False) -> str:
    """A grid of coloured cells with the value printed in each: value / cap from red through
    amber to green (coverage), or white to blue when ``sequential`` (counts); None is grey."""
    left, top = 180, 110
    width, height = left + cell * len(columns) + 90, top + 26 * len(rows) + 10
    shade = _blue if sequential else _colour
    parts = []
    for j, col in enumerate(columns):
        cx = left + cell * j + cell / 2
        parts.append(f"<text transform='translate({cx:.0f},{top - 6}) rotate(-45)'>{escape(col[:24])}</text>")
    for i, row in enumerate(rows):
        ry = top + 26 * i
        parts.append(f"<text x='{left - 6}' y='{ry + 17}' text-anchor='end'>{escape(row[:28])}</text>")
        for j, v in enumerate(values[i]):
            fill = "#ddd" if v is None else shade(v / cap)
            text = "–" if v is None else fmt.format(v)
            ink = "#fff" if sequential and v is not None and v / cap > 0.55 else "#111"
            parts.append(f"<rect x='{left + cell * j}' y='{ry}' width='{cell - 2}' height='24' fill='{fill}'>"
                         f"<title>{escape(row)} × {escape(columns[j])}: {text}</title></rect>"
                         f"<text x='{left + cell * j + cell / 2 - 1:.0f}' y='{ry + 16}' fill='{ink}' "
                         f"text-anchor='middle'>{text}</text>")
    return _svg(width, height, title, "".join(parts))


def flow_matrix(labels: Sequence[str], matrix: Sequence[Sequence[int]], *, title: str) -> str:
    """Origin rows × destination columns, cell shade by count."""
    top = max((v for row in matrix for v in row), default=0) or 1
    values = [[float(v) if v else None for v in row] for row in matrix]
    return heatmap(labels, labels, values, title=title, fmt="{:.0f}", cap=top, sequential=True).replace(
        "#ddd", "#f4f4f4")


def sankey(labels: Sequence[str], matrix: Sequence[Sequence[int]], *, title: str, width: int = 720,
           between_only: bool = True) -> str:
    """Two-column Sankey: origins on the left, destinations on the right, one band per
    non-zero flow with its width proportional to the number of moves. ``between_only`` leaves
    out moves inside a unit (the diagonal), which would otherwise hide the flows between."""
    n = len(labels)
    matrix = [[0 if between_only and i == j else v for j, v in enumerate(row)] for i, row in enumerate(matrix)]
    out_tot = [sum(matrix[i]) for i in range(n)]
    in_tot = [sum(matrix[i][j] for i in range(n)) for j in range(n)]
    total = sum(out_tot) or 1
    gap, height = 8, max(200, 24 * n + 120)
    scale = (height - 40 - gap * n) / total
    left_x, right_x, bar = 170, width - 170, 14

    def stack(totals: list[int]) -> list[float]:
        ys, y = [], 20.0
        for t in totals:
            ys.append(y)
            y += t * scale + gap
        return ys

    ly, ry = stack(out_tot), stack(in_tot)
    l_off, r_off = list(ly), list(ry)
    parts = []
    for i in range(n):
        for j in range(n):
            v = matrix[i][j]
            if not v:
                continue
            h = v * scale
            y0, y1 = l_off[i], r_off[j]
            l_off[i] += h
            r_off[j] += h
            x0, x1 = left_x + bar, right_x
            mid = (x0 + x1) / 2
            parts.append(
                f"<path d='M{x0},{y0:.1f} C{mid},{y0:.1f} {mid},{y1:.1f} {x1},{y1:.1f} L{x1},{y1 + h:.1f} "
                f"C{mid},{y1 + h:.1f} {mid},{y0 + h:.1f} {x0},{y0 + h:.1f} Z' fill='{PALETTE[i % len(PALETTE)]}' "
                f"fill-opacity='0.35'><title>{escape(labels[i])} → {escape(labels[j])}: {v}</title></path>")
    for i in range(n):
        colour = PALETTE[i % len(PALETTE)]
        if out_tot[i]:
            parts.append(f"<rect x='{left_x}' y='{ly[i]:.1f}' width='{bar}' height='{out_tot[i] * scale:.1f}' "
                         f"fill='{colour}'/><text x='{left_x - 6}' y='{ly[i] + out_tot[i] * scale / 2 + 4:.1f}' "
                         f"text-anchor='end'>{escape(labels[i][:24])} ({out_tot[i]})</text>")
        if in_tot[i]:
            parts.append(f"<rect x='{right_x}' y='{ry[i]:.1f}' width='{bar}' height='{in_tot[i] * scale:.1f}' "
                         f"fill='{colour}'/><text x='{right_x + bar + 6}' y='{ry[i] + in_tot[i] * scale / 2 + 4:.1f}'"
                         f">{escape(labels[i][:24])} ({in_tot[i]})</text>")
    parts.append(f"<text x='{left_x}' y='12'>from</text><text x='{right_x}' y='12'>to</text>")
    return _svg(width, height, title, "".join(parts))


def _ratio(value: float, threshold: float | None) -> str:
    """Two decimals, or three where two would hide which side of the threshold the value is on."""
    text = f"{value:.2f}"
    return f"{value:.3f}" if threshold is not None and text == f"{threshold:.2f}" and value != threshold else text


def bar_chart(labels: Sequence[str], values: Sequence[float | None], *, title: str, threshold: float | None = None,
              width: int = 720, unjudged: Sequence[bool] | None = None) -> str:
    """Horizontal bars (e.g. impact ratios) with an optional threshold line (e.g. 0.8). Bars under
    the threshold are red, unless ``unjudged`` marks them (too little data to judge): grey."""
    left, bar_h = 220, 20
    height = 30 + (bar_h + 6) * len(labels)
    top_v = max([v for v in values if v is not None] + [threshold or 0, 1.0])
    pw = width - left - 60
    parts = []
    for i, (lab, v) in enumerate(zip(labels, values, strict=True)):
        y = 10 + (bar_h + 6) * i
        parts.append(f"<text x='{left - 6}' y='{y + 14}' text-anchor='end'>{escape(lab[:34])}</text>")
        if v is None:
            parts.append(f"<text x='{left + 4}' y='{y + 14}' fill='#666'>not compared</text>")
            continue
        low = threshold is not None and v < threshold
        grey = unjudged is not None and unjudged[i]
        parts.append(f"<rect x='{left}' y='{y}' width='{pw * v / top_v:.1f}' height='{bar_h}' "
                     f"fill='{'#9aa3ad' if grey else '#d62728' if low else '#1f77b4'}'/>"
                     f"<text x='{left + pw * v / top_v + 4:.1f}' y='{y + 14}'>{_ratio(v, threshold)}</text>")
    if threshold is not None:
        tx = left + pw * threshold / top_v
        parts.append(f"<line x1='{tx:.1f}' x2='{tx:.1f}' y1='4' y2='{height - 4}' stroke='#333' "
                     f"stroke-dasharray='4 3'/><text x='{tx + 3:.1f}' y='{height - 6}'>{threshold:g}</text>")
    return _svg(width, height, title, "".join(parts))
