"""Server-side SVG charts: valid XML, escaped labels, readable without colour, empty states."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from markupsafe import Markup

from saas.presentation.charts import bar_chart, line_chart, nice_ticks

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "quotes" \x00\x0b'
POINTS = [(date(2026, 1, 1), 1000.0), (date(2026, 2, 1), 1200.0), (date(2026, 3, 1), 1150.0)]


def parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    return ET.fromstring(str(svg))  # noqa: S314 - our own output, parsed to prove it is XML


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def test_line_chart_is_an_accessible_svg_image_with_a_title():
    root = parse(line_chart(POINTS, target=2000, baseline=1000, title="Followers"))
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img" and root.get("aria-label") == "Followers"
    assert root.find(f"{NS}title").text == "Followers"
    assert "3 values; latest 1,150" in root.find(f"{NS}desc").text


def test_line_chart_draws_a_dashed_target_line_with_a_label_and_a_marker_per_value():
    root = parse(line_chart(POINTS, target=2000, baseline=1000, title="Followers"))
    dashed = [ln for ln in root.iter(f"{NS}line") if ln.get("stroke-dasharray") == "6 4"]
    assert len(dashed) == 1
    assert "Target: 2,000" in texts(root) and "Baseline: 1,000" in texts(root)
    # Distinct shapes, so the chart reads in greyscale: circles, a diamond, a square.
    assert len(list(root.iter(f"{NS}circle"))) == 3
    assert len(list(root.iter(f"{NS}polygon"))) == 1
    assert root.find(f".//{NS}polyline") is not None


def test_line_chart_formats_dates_and_numbers_for_the_locale():
    english = texts(parse(line_chart(POINTS, target=2000, title="t", locale="en")))
    arabic = texts(parse(line_chart(POINTS, target=2000, title="t", locale="ar", rtl=True)))
    assert "1 Jan 26" in english
    assert any("يناير" in t for t in arabic)
    assert english != arabic


def test_rtl_line_chart_runs_time_from_right_to_left():
    ltr = parse(line_chart(POINTS, title="t"))
    rtl = parse(line_chart(POINTS, title="t", rtl=True))
    assert rtl.get("direction") == "rtl" and ltr.get("direction") == "ltr"

    def first_and_last_x(root):
        xs = [float(c.get("cx")) for c in root.iter(f"{NS}circle")]
        return xs[0], xs[-1]

    first, last = first_and_last_x(ltr)
    assert first < last
    first, last = first_and_last_x(rtl)
    assert first > last


def test_hostile_labels_are_escaped_and_remain_valid_xml():
    svg = line_chart(POINTS, target=2000, title=HOSTILE)
    raw = str(svg)
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    root = parse(svg)
    assert root.get("aria-label").startswith('<script>alert("x")</script> & "quotes"')
    bars = bar_chart([(HOSTILE, 40.0), ("TikTok", 30.0)], max_value=100, title=HOSTILE)
    assert "<script>" not in str(bars)
    assert HOSTILE.replace("\x00", "").replace("\x0b", "") in texts(parse(bars))


def test_empty_input_gives_a_no_data_yet_svg():
    for svg in (line_chart([], title="Nothing"), bar_chart([], title="Nothing")):
        root = parse(svg)
        assert "No data yet" in texts(root)
    assert "No check-ins yet" in texts(
        parse(line_chart([], title="t", empty_message="No check-ins yet"))
    )


def test_non_finite_values_are_left_out():
    root = parse(line_chart([(date(2026, 1, 1), float("nan"))], title="t"))
    assert "No data yet" in texts(root)


def test_a_single_point_and_a_flat_series_still_draw():
    parse(line_chart([(date(2026, 1, 1), 5.0)], title="t"))
    parse(line_chart([(date(2026, 1, 1), 5.0), (date(2026, 1, 2), 5.0)], title="t"))


def test_bar_chart_shows_each_label_and_value_with_bars_in_proportion():
    root = parse(
        bar_chart(
            [("Instagram", 60.0), ("TikTok", 30.0)], max_value=100, title="Networks", percent=True
        )
    )
    assert {"Instagram", "TikTok", "60%", "30%"} <= set(texts(root))
    bars = [r for r in root.iter(f"{NS}rect") if r.get("fill") != "#eef1f5"]
    widths = [float(r.get("width")) for r in bars]
    assert widths[0] == 2 * widths[1]


def test_charts_use_no_inline_styles():
    for svg in (
        line_chart(POINTS, target=2000, baseline=1000, title="t", rtl=True),
        bar_chart([("a", 1.0)], title="t", rtl=True),
    ):
        assert "style=" not in str(svg)


def test_nice_ticks_cover_the_range_with_round_steps():
    assert nice_ticks(0, 100) == [0, 25, 50, 75, 100]
    ticks = nice_ticks(1000, 2000)
    assert ticks[0] <= 1000 and ticks[-1] >= 2000
    assert nice_ticks(5, 5)[0] < 5 < nice_ticks(5, 5)[-1]
