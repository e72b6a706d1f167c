"""People's free text (comments, recommendations, reasons) as HTML that keeps its shape.

A consultant types recommendations as a numbered list or in paragraphs; shown as one run
of text they become unreadable.  ``paragraphs`` keeps that shape with a handful of safe
tags and nothing else: every piece of the text is escaped first, so no HTML a person typed
ever reaches the page, the e-mail or the PDF as markup.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# "1. Do this", "2) Then that", "3- Finally" (any script's digits: "١. ..." too).
_ORDERED = re.compile(r"^\s*(\d{1,3})[.)\-]\s+(\S.*)$")
# "- item", "• item", "* item".
_BULLET = re.compile(r"^\s*[-•*]\s+(\S.*)$")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def _line_kind(line: str) -> tuple[str, str, int | None]:
    """("ol" | "ul" | "p", the text without its marker, the number of an ordered item)."""
    match = _ORDERED.match(line)
    if match:
        return "ol", match.group(2), int(match.group(1))
    match = _BULLET.match(line)
    if match:
        return "ul", match.group(1), None
    return "p", line.strip(), None


def _block(lines: list[str]) -> list[str]:
    """One block (no blank line inside) as paragraphs and lists, in the order typed."""
    out: list[str] = []
    kind: str | None = None
    items: list[str] = []
    start: int | None = None

    def close() -> None:
        if kind == "p":
            out.append("<p>" + "<br>\n".join(items) + "</p>")
        elif kind in ("ol", "ul"):
            attr = f' start="{start}"' if kind == "ol" and start not in (None, 1) else ""
            body = "".join(f"<li>{item}</li>" for item in items)
            out.append(f"<{kind}{attr}>{body}</{kind}>")

    for line in lines:
        if not line.strip():
            continue
        line_kind, text, number = _line_kind(line)
        if line_kind != kind:
            close()
            kind, items, start = line_kind, [], number
        items.append(str(escape(text)))
    close()
    return out


def paragraphs(text: str | None) -> Markup:
    """Escaped text as HTML: a blank line starts a new paragraph, a single line break is a
    ``<br>``, lines starting "1." / "2." become an ordered list and "-" / "•" a bulleted one.
    """
    if not text:
        return Markup("")
    normalised = str(text).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not normalised:
        return Markup("")
    html: list[str] = []
    for block in _BLANK_LINES.split(normalised):
        html.extend(_block(block.split("\n")))
    return Markup("\n".join(html))  # noqa: S704 - every piece of text was escaped above
