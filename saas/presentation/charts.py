"""Server-side SVG charts: a line chart (progress over time) and horizontal bars.

Pure functions of their arguments, so pages, the review score history and the PDF reports
all draw the same picture.  The SVG is built with ElementTree, which escapes every text and
attribute; characters XML cannot carry are removed first.  No ``style=`` attributes (the CSP
blocks inline styles): presentation attributes and classes only.  Markers differ in shape
(circle, diamond, square) and lines in dash pattern, so a chart reads in greyscale too.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from saas.i18n import gettext as _

SVG_NS = "http://www.w3.org/2000/svg"
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

INK = "#1f2933"
GRID = "#d9dee5"
MUTED = "#5f6b7a"
SERIES = "currentColor"
TARGET = "#b45309"
BASELINE = "#5f6b7a"


def _clean(text: object, limit: int = 200) -> str:
    value = _INVALID_XML.sub("", str(text))
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _num(value: float) -> str:
    """A coordinate: short and locale-independent."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    node = ET.SubElement(
        parent, tag, {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items()}
    )
    if text is not None:
        node.text = _clean(text)
    return node


def _svg(title: str, width: int, height: int, kind: str, rtl: bool) -> ET.Element:
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": f"chart chart-{kind}",
            "role": "img",
            "aria-label": _clean(title),
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "font-family": "system-ui, sans-serif",
            "font-size": "12",
            "fill": INK,
        },
    )
    # Explicit, so text anchors mean the same inside an RTL page as in a PDF.
    root.set("direction", "rtl" if rtl else "ltr")
    _el(root, "title", title)
    return root


def _markup(root: ET.Element) -> Markup:
    return Markup(ET.tostring(root, encoding="unicode"))  # noqa: S704 - ElementTree escaped it


def _empty(root: ET.Element, width: int, height: int, message: str | None) -> Markup:
    _el(
        root,
        "rect",
        x=0.5,
        y=0.5,
        width=width - 1,
        height=height - 1,
        fill="none",
        stroke=GRID,
        stroke_dasharray="4 4",
        rx=6,
    )
    _el(
        root,
        "text",
        message or _("No data yet"),
        x=width / 2,
        y=height / 2,
        text_anchor="middle",
        dominant_baseline="middle",
        fill=MUTED,
        class_="chart-empty",
    )
    return _markup(root)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low``–``high`` (1, 2, 2.5 or 5 times a power of ten)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0]
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value < high + step * 0.999 and len(ticks) < 12:
        ticks.append(round(value, 10))
        value += step
    return ticks


def line_chart(
    points: Sequence[tuple[date, float]],
    *,
    target: float | None = None,
    baseline: float | None = None,
    title: str,
    width: int = 640,
    height: int = 240,
    locale: str = "en",
    rtl: bool = False,
    empty_message: str | None = None,
) -> Markup:
    """Values over time as an inline ``<svg role="img">``, with target and baseline lines.

    Time runs in the reading direction: left to right, or right to left when ``rtl``.
    """
    root = _svg(title, width, height, "line", rtl)
    pts = sorted((d, float(v)) for d, v in points if v is not None and math.isfinite(v))
    if not pts:
        return _empty(root, width, height, empty_message)

    fmt_num: Callable[[float], str] = lambda v: format_decimal(v, locale=locale)  # noqa: E731
    values = [v for _d, v in pts]
    refs = [r for r in (target, baseline) if r is not None and math.isfinite(r)]
    ticks = nice_ticks(min(values + refs), max(values + refs))
    y_lo, y_hi = ticks[0], ticks[-1]

    pad_axis, pad_end, top, bottom = 64, 40, 16, 36
    plot_w, plot_h = width - pad_axis - pad_end, height - top - bottom
    x0 = width - pad_axis if rtl else pad_axis  # where time starts
    direction = -1 if rtl else 1

    first, last = pts[0][0], pts[-1][0]
    span_days = max(1, (last - first).days)

    def x_of(d: date) -> float:
        frac = 0.5 if first == last else (d - first).days / span_days
        return x0 + direction * frac * plot_w

    def y_of(v: float) -> float:
        return top + plot_h - (v - y_lo) / (y_hi - y_lo) * plot_h

    _el(root, "desc", _describe(pts, target, baseline, fmt_num, locale))

    # Horizontal grid lines and the value axis labels.
    axis = _el(root, "g", class_="chart-axis", fill=MUTED)
    label_x = x0 - direction * 8
    anchor = "end"  # away from the axis, towards the outer edge, in either direction
    x_end = x0 + direction * plot_w
    for tick in ticks:
        y = y_of(tick)
        _el(axis, "line", x1=_num(x0), x2=_num(x_end), y1=_num(y), y2=_num(y), stroke=GRID)
        _el(axis, "text", fmt_num(tick), x=_num(label_x), y=_num(y + 4), text_anchor=anchor)
    _el(axis, "line", x1=_num(x0), x2=_num(x0), y1=top, y2=top + plot_h, stroke=INK)
    _el(axis, "line", x1=_num(x0), x2=_num(x_end), y1=top + plot_h, y2=top + plot_h, stroke=INK)

    # A few dates along the time axis: first, last and evenly spread ones between.
    dates = sorted({d for d, _v in pts})
    if len(dates) > 5:
        step = (len(dates) - 1) / 4
        dates = [dates[round(i * step)] for i in range(5)]
    for d in dates:
        x = x_of(d)
        _el(axis, "line", x1=_num(x), x2=_num(x), y1=top + plot_h, y2=top + plot_h + 4, stroke=INK)
        _el(
            axis,
            "text",
            format_date(d, "d MMM yy", locale=locale),
            x=_num(x),
            y=top + plot_h + 18,
            text_anchor="middle",
        )

    # Reference lines: the target dashed with a diamond, the baseline dotted with a square.
    for value, label, colour, dash, shape in (
        (baseline, "baseline", BASELINE, "2 3", "square"),
        (target, "target", TARGET, "6 4", "diamond"),
    ):
        if value is None or not math.isfinite(value):
            continue
        if label == "target":
            label = _("Target: %(value)s", value=fmt_num(value))
        else:
            label = _("Baseline: %(value)s", value=fmt_num(value))
        y = y_of(value)
        group = _el(root, "g", class_=f"chart-ref chart-{shape}")
        _el(
            group,
            "line",
            x1=_num(x0),
            x2=_num(x_end),
            y1=_num(y),
            y2=_num(y),
            stroke=colour,
            stroke_width=2,
            stroke_dasharray=dash,
        )
        mx = x_end - direction * 6
        _marker(group, shape, mx, y, colour)
        _el(
            group,
            "text",
            label,
            x=_num(mx - direction * 10),
            y=_num(y - 6),
            text_anchor="end",
            fill=colour,
        )

    # The series: a line through the check-ins, a circle on each.
    series = _el(root, "g", class_="chart-series", color=SERIES)
    coords = [(x_of(d), y_of(v)) for d, v in pts]
    if len(coords) > 1:
        _el(
            series,
            "polyline",
            points=" ".join(f"{_num(x)},{_num(y)}" for x, y in coords),
            fill="none",
            stroke=SERIES,
            stroke_width=2.5,
            stroke_linejoin="round",
        )
    for (d, v), (x, y) in zip(pts, coords, strict=True):
        dot = _marker(series, "circle", x, y, SERIES)
        _el(dot, "title", f"{format_date(d, 'medium', locale=locale)}: {fmt_num(v)}")
    return _markup(root)


def _marker(parent: ET.Element, shape: str, x: float, y: float, colour: str) -> ET.Element:
    if shape == "circle":
        return _el(
            parent,
            "circle",
            cx=_num(x),
            cy=_num(y),
            r=4,
            fill=colour,
            stroke="#ffffff",
            stroke_width=1.5,
        )
    if shape == "square":
        return _el(parent, "rect", x=_num(x - 4), y=_num(y - 4), width=8, height=8, fill=colour)
    corners = ((x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y))
    points = " ".join(f"{_num(cx)},{_num(cy)}" for cx, cy in corners)
    return _el(parent, "polygon", points=points, fill=colour)


def _describe(
    pts: list[tuple[date, float]],
    target: float | None,
    baseline: float | None,
    fmt_num: Callable[[float], str],
    locale: str,
) -> str:
    """The chart in one sentence, for screen readers."""
    latest_date, latest = pts[-1]
    parts = [
        _(
            "%(count)d values; latest %(value)s on %(date)s.",
            count=len(pts),
            value=fmt_num(latest),
            date=format_date(latest_date, "medium", locale=locale),
        )
    ]
    if baseline is not None:
        parts.append(_("Baseline %(value)s.", value=fmt_num(baseline)))
    if target is not None:
        parts.append(_("Target %(value)s.", value=fmt_num(target)))
    return " ".join(parts)


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    max_value: float | None = None,
    title: str,
    width: int = 480,
    bar_height: int = 18,
    locale: str = "en",
    rtl: bool = False,
    percent: bool = False,
    empty_message: str | None = None,
) -> Markup:
    """Horizontal bars, one per ``(label, value)``, each with its label and value as text.

    With ``percent`` the values are percentages (60 → "60%").  Bars start on the reading
    side: left, or right when ``rtl``.
    """
    rows = [
        (_clean(label, 60), float(v)) for label, v in items if v is not None and math.isfinite(v)
    ]
    gap, top = 8, 8
    if not rows:
        root = _svg(title, width, 80, "bar", rtl)
        return _empty(root, width, 80, empty_message)
    height = top * 2 + len(rows) * (bar_height + gap) - gap
    root = _svg(title, width, height, "bar", rtl)

    def fmt(v: float) -> str:
        if percent:
            return format_percent(v / 100, "#,##0.#%", locale=locale)
        return format_decimal(v, locale=locale)

    _el(root, "desc", "; ".join(f"{label}: {fmt(v)}" for label, v in rows))
    top_value = max_value if max_value and max_value > 0 else max(max(v for _l, v in rows), 1e-9)
    label_w, value_w = min(160, width // 3), 64
    bar_w = width - label_w - value_w - 16
    fills = ("currentColor", "#5f6b7a")
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_height + gap)
        mid = y + bar_height / 2 + 4
        length = max(0.0, min(1.0, value / top_value)) * bar_w
        row = _el(root, "g", class_="chart-bar")
        if rtl:
            label_x, bar_start = width - 4, width - label_w - 8
            track_x, bar_x, value_x = bar_start - bar_w, bar_start - length, bar_start - length - 6
        else:
            label_x, bar_start = 4, label_w + 8
            track_x, bar_x, value_x = bar_start, bar_start, bar_start + length + 6
        # text-anchor "start" follows the text direction: the right edge when rtl.
        _el(row, "text", label, x=label_x, y=_num(mid), text_anchor="start")
        # The track, then the bar over it.
        for x, w, fill in ((track_x, bar_w, "#eef1f5"), (bar_x, length, fills[i % 2])):
            _el(row, "rect", x=_num(x), y=y, width=_num(w), height=bar_height, fill=fill, rx=3)
        _el(row, "text", fmt(value), x=_num(value_x), y=_num(mid), text_anchor="start")
    return _markup(root)


def score_chart(
    points: Sequence[tuple[str, str, float]],
    *,
    title: str,
    width: int = 640,
    height: int = 220,
    locale: str = "en",
    rtl: bool = False,
    empty_message: str | None = None,
) -> Markup:
    """Scores in review order: one point per review, evenly spaced, whatever the dates.

    ``points`` are (label, sub-label, score), e.g. ("Revision 2", "3 Dec 2026", 88): two
    reviews on one day are two points, not a vertical line.  The scale is 0–100.
    """
    root = _svg(title, width, height, "line chart-score", rtl)
    pts = [(str(a), str(b), float(v)) for a, b, v in points if v is not None and math.isfinite(v)]
    if not pts:
        return _empty(root, width, height, empty_message)
    fmt_num: Callable[[float], str] = lambda v: format_decimal(v, locale=locale)  # noqa: E731
    _el(root, "desc", "; ".join(f"{a} ({b}): {fmt_num(v)}" for a, b, v in pts))

    pad_axis, pad_end, top, bottom = 48, 48, 16, 44
    plot_w, plot_h = width - pad_axis - pad_end, height - top - bottom
    x0 = width - pad_axis if rtl else pad_axis
    direction = -1 if rtl else 1
    x_end = x0 + direction * plot_w

    inset = 32  # the first and last points clear the axis and its labels

    def x_of(i: int) -> float:
        frac = 0.5 if len(pts) == 1 else i / (len(pts) - 1)
        return x0 + direction * (inset + frac * (plot_w - 2 * inset))

    def y_of(v: float) -> float:
        return top + plot_h - max(0.0, min(100.0, v)) / 100 * plot_h

    axis = _el(root, "g", class_="chart-axis", fill=MUTED)
    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick)
        _el(axis, "line", x1=_num(x0), x2=_num(x_end), y1=_num(y), y2=_num(y), stroke=GRID)
        _el(
            axis,
            "text",
            fmt_num(tick),
            x=_num(x0 - direction * 8),
            y=_num(y + 4),
            text_anchor="end",
        )
    _el(axis, "line", x1=_num(x0), x2=_num(x0), y1=top, y2=top + plot_h, stroke=INK)
    _el(axis, "line", x1=_num(x0), x2=_num(x_end), y1=top + plot_h, y2=top + plot_h, stroke=INK)
    # At most eight labelled points: the first, the last and evenly spread ones between.
    labelled = set(range(len(pts)))
    if len(pts) > 8:
        step = (len(pts) - 1) / 7
        labelled = {round(i * step) for i in range(8)}
    for i, (label, sub, _v) in enumerate(pts):
        if i not in labelled:
            continue
        x = x_of(i)
        _el(axis, "line", x1=_num(x), x2=_num(x), y1=top + plot_h, y2=top + plot_h + 4, stroke=INK)
        _el(axis, "text", label, x=_num(x), y=top + plot_h + 17, text_anchor="middle", fill=INK)
        _el(axis, "text", sub, x=_num(x), y=top + plot_h + 31, text_anchor="middle", font_size=10)

    series = _el(root, "g", class_="chart-series", color=SERIES)
    coords = [(x_of(i), y_of(v)) for i, (_a, _b, v) in enumerate(pts)]
    if len(coords) > 1:
        _el(
            series,
            "polyline",
            points=" ".join(f"{_num(x)},{_num(y)}" for x, y in coords),
            fill="none",
            stroke=SERIES,
            stroke_width=2.5,
            stroke_linejoin="round",
        )
    for (label, sub, v), (x, y) in zip(pts, coords, strict=True):
        dot = _marker(series, "circle", x, y, SERIES)
        _el(dot, "title", f"{label}, {sub}: {fmt_num(v)}")
        _el(series, "text", fmt_num(v), x=_num(x), y=_num(y - 9), text_anchor="middle", fill=INK)
    return _markup(root)
