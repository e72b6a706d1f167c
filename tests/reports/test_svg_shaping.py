"""Arabic chart labels are reordered for the PDF renderer without breaking the SVG: a goal
named with "<" or "&" keeps its chart instead of dropping it as broken markup."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from markupsafe import escape

from saas.services.report_content.data import shape_svg_text


def test_escaped_characters_survive_the_reordering():
    label = "نمو <المتابعين> & الزيارات"
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><text x="4" y="9">{escape(label)}</text></svg>'
    shaped = str(shape_svg_text(svg))
    root = ET.fromstring(shaped)  # noqa: S314 - our own markup; raises on ";tl&" entities
    text = root.find("{http://www.w3.org/2000/svg}text").text
    assert "<" in text and ">" in text and "&" in text
    assert text != html.unescape(str(escape(label)))  # reordered into visual order


def test_latin_labels_are_left_alone():
    svg = '<svg><text x="1">Reach &lt;10k&gt;</text></svg>'
    assert str(shape_svg_text(svg)) == svg
