"""What an id from outside may look like: ASCII digits in the database's INTEGER range.

Pure, so the services (a campaign's goal ids, a CSV's audience id) and the HTTP layer
(``saas.http.ids``) check ids one way: an id beyond the column's range is "not found",
never PostgreSQL's "integer out of range" (a 500).
"""

from __future__ import annotations

import re
from typing import Any

MAX_ID = 2**31 - 1  # INTEGER primary keys on PostgreSQL

_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_ascii_digits(value: str | None) -> bool:
    """``str.isdigit`` without its surprises: ``"²"`` and ``"١"`` are digits to it."""
    return value is not None and _ASCII_DIGITS.fullmatch(value) is not None


def parse_id(value: Any) -> int | None:
    """An id (an int, or a string of ASCII digits) that a row can have, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not is_ascii_digits(value) or len(value) > 10:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None
