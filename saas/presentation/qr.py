"""A QR code as inline SVG (``segno``): drawn on the server, so the page makes no request
to anyone and needs nothing from the Content-Security-Policy beyond what it has (an inline
``<svg>`` element with presentation attributes only: no ``style``, no script, no image URL).

Used for the ``otpauth://`` URI of two-factor set-up, which an authenticator app scans."""

from __future__ import annotations

import segno
from markupsafe import Markup

# How the code is drawn: black on white whatever the page's colours (phones read dark on
# light best), four modules of quiet zone, five pixels a module.
OPTIONS = {"scale": 5, "border": 4, "dark": "#000", "light": "#fff", "svgclass": "qr-code"}
ERROR_LEVEL = "m"


def qr_svg(data: str, title: str) -> Markup:
    """``data`` as an inline ``<svg>`` element whose ``<title>`` (its accessible name) is
    ``title``.  Always a full QR code, never a Micro QR (which authenticator apps do not
    read)."""
    svg = segno.make_qr(data, error=ERROR_LEVEL).svg_inline(title=title, **OPTIONS)
    # segno writes only its own elements and numbers, and XML-escapes the title; ``data``
    # is encoded in the modules, never written out as text.
    return Markup(svg)  # noqa: S704
