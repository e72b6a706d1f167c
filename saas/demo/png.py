"""Tiny PNG logos drawn in code: the demo uploads them through the same checks as a person.

A shape is a function ``(x, y) -> bool`` over the unit square; each pixel is sampled 4×4
times so the edges are smooth.  No imaging library, no files in the repository.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable, Sequence

Shape = Callable[[float, float], bool]
Layer = tuple[Shape, str]  # a shape and its #rrggbb colour, painted in order
SIZE = 128
SAMPLES = 4


def encode_png(width: int, height: int, rgba: bytes) -> bytes:
    """An 8-bit RGBA PNG (no filtering) from ``width * height * 4`` bytes."""
    if len(rgba) != width * height * 4:
        raise ValueError("pixel data does not match the size")
    stride = width * 4
    raw = b"".join(b"\x00" + rgba[y * stride : (y + 1) * stride] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def draw(layers: Sequence[Layer], size: int = SIZE) -> bytes:
    """Paint ``layers`` over a transparent square and return the PNG bytes.

    A pixel whose four corners see the same layer is that layer's colour; only the pixels
    on an edge are sampled ``SAMPLES``² times (a hundred times faster than sampling all).
    """
    colours = [_rgb(colour) for _shape, colour in layers]
    shapes = [shape for shape, _colour in layers]

    def top(x: float, y: float) -> int:
        for index in range(len(shapes) - 1, -1, -1):
            if shapes[index](x, y):
                return index
        return -1

    corners = [[top(px / size, py / size) for px in range(size + 1)] for py in range(size + 1)]
    pixels = bytearray()
    for py in range(size):
        for px in range(size):
            seen = {
                corners[py][px],
                corners[py][px + 1],
                corners[py + 1][px],
                corners[py + 1][px + 1],
            }
            if len(seen) == 1:
                hits = [(seen.pop(), SAMPLES * SAMPLES)]
            else:
                counts: dict[int, int] = {}
                for sy in range(SAMPLES):
                    for sx in range(SAMPLES):
                        layer = top(
                            (px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size
                        )
                        counts[layer] = counts.get(layer, 0) + 1
                hits = list(counts.items())
            painted = [(colours[i], n) for i, n in hits if i >= 0]
            covered = sum(n for _rgb_value, n in painted)
            if not covered:
                pixels += b"\x00\x00\x00\x00"
                continue
            rgb = [round(sum(c[k] * n for c, n in painted) / covered) for k in range(3)]
            pixels += bytes((*rgb, round(255 * covered / (SAMPLES * SAMPLES))))
    return encode_png(size, size, bytes(pixels))


# --- shapes ---------------------------------------------------------------------------------


def circle(cx: float, cy: float, radius: float) -> Shape:
    return lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def rounded_square(margin: float, radius: float) -> Shape:
    lo, hi = margin + radius, 1 - margin - radius

    def inside(x: float, y: float) -> bool:
        dx = max(lo - x, 0.0, x - hi)
        dy = max(lo - y, 0.0, y - hi)
        return dx * dx + dy * dy <= radius * radius

    return inside


def polygon(points: Sequence[tuple[float, float]]) -> Shape:
    """Even-odd fill of a closed polygon."""

    def inside(x: float, y: float) -> bool:
        hit = False
        for (x1, y1), (x2, y2) in zip(points, [*points[1:], points[0]], strict=True):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                hit = not hit
        return hit

    return inside


def difference(shape: Shape, minus: Shape) -> Shape:
    return lambda x, y: shape(x, y) and not minus(x, y)


def union(*shapes: Shape) -> Shape:
    return lambda x, y: any(s(x, y) for s in shapes)


def wave(y0: float, amplitude: float, thickness: float, x0: float, x1: float) -> Shape:
    """A horizontal sine stroke from ``x0`` to ``x1`` (one full period), round-ended."""

    def inside(x: float, y: float) -> bool:
        if not x0 <= x <= x1:
            return False
        centre = y0 + amplitude * math.sin((x - x0) / (x1 - x0) * 2 * math.pi)
        return abs(y - centre) <= thickness / 2

    return inside


# --- the demo's logos -----------------------------------------------------------------------


def agency_logo(accent: str) -> bytes:
    """Northwind Social: three wind strokes on a rounded square in the agency's colour."""
    strokes = union(
        wave(0.36, 0.045, 0.085, 0.22, 0.78),
        wave(0.52, 0.045, 0.085, 0.30, 0.78),
        wave(0.68, 0.045, 0.085, 0.22, 0.66),
    )
    return draw([(rounded_square(0.04, 0.2), accent), (strokes, "#ffffff")])


def qamar_logo() -> bytes:
    """Qamar Coffee (qamar is "moon"): a crescent over a cup, gold on roasted brown."""
    crescent = difference(circle(0.5, 0.4, 0.24), circle(0.6, 0.33, 0.2))
    cup = polygon([(0.3, 0.66), (0.7, 0.66), (0.64, 0.84), (0.36, 0.84)])
    ring = difference(circle(0.69, 0.73, 0.075), circle(0.69, 0.73, 0.04))
    handle = lambda x, y: x > 0.66 and ring(x, y)  # noqa: E731
    return draw([(circle(0.5, 0.5, 0.48), "#4a2c1d"), (union(crescent, cup, handle), "#e8b04b")])


def atlas_logo() -> bytes:
    """Atlas Outdoor: two mountain peaks with a snow cap, on a pine-green disc."""
    peaks = union(
        polygon([(0.16, 0.74), (0.42, 0.34), (0.62, 0.74)]),
        polygon([(0.4, 0.74), (0.64, 0.26), (0.86, 0.74)]),
    )
    snow = polygon([(0.64, 0.26), (0.715, 0.41), (0.64, 0.38), (0.57, 0.41)])
    return draw([(circle(0.5, 0.5, 0.48), "#1f5c45"), (peaks, "#f4f1e8"), (snow, "#9cc8b4")])
