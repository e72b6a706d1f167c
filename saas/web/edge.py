"""Input hygiene at the edge, shared by the web pages and the API.

Hostile input must never reach the database as a 500: PostgreSQL refuses NUL in text and
integers beyond 2³¹−1, and ``json.loads`` overflows the stack on deeply nested arrays.  This
module refuses those once, before any view runs:

- a bounded ``int`` URL converter: an id beyond the column's range is a 404 in a path;
- control characters in the path: 404 (no route holds one); in the query string: 400;
- control characters in a form value that no form field checks (views that read
  ``request.form`` directly): 400.  Form fields show their own error (``TandemForm``);
- JSON nested deeper than ``MAX_JSON_DEPTH``: 400, scanned on the raw bytes, so that any
  later ``get_json`` (rate-limit keys included) is safe.  Control characters inside JSON
  strings are a 422 naming the field, answered by the API's ``parse_body``.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.routing import IntegerConverter

from saas.http.ids import MAX_ID, is_ascii_digits, parse_id
from saas.http.text import control_char_paths, has_control_chars
from saas.i18n import lazy_gettext as _l
from saas.web.forms import TandemForm

# Re-exported: the checks themselves live in ``saas.http``, shared with the API.
__all__ = [
    "MAX_JSON_DEPTH",
    "BoundedIntConverter",
    "HostileInput",
    "control_char_paths",
    "has_control_chars",
    "init_edge",
    "is_ascii_digits",
    "json_too_deep",
    "parse_id",
    "refuse_hostile_input",
]

MAX_JSON_DEPTH = 32

# In a URL not even tab or newline belongs.
_CONTROL_IN_URL = re.compile(r"[\x00-\x1f\x7f]")


def _digits_at_most(limit: int) -> str:
    """A regular expression for strings of ASCII digits whose value is at most ``limit``."""
    text = str(limit)
    width = len(text)
    choices = [f"[0-9]{{1,{width - 1}}}"] if width > 1 else []
    for i, digit in enumerate(text):
        if digit != "0":
            choices.append(f"{text[:i]}[0-{int(digit) - 1}][0-9]{{{width - i - 1}}}")
    choices.append(text)
    return "(?:" + "|".join(choices) + ")"


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` limited to ASCII digits and the database's INTEGER range.

    Werkzeug's ``\\d+`` also matches other scripts' digits, and an unbounded value reaches
    PostgreSQL as "integer out of range" (a 500).  The bound is in the regex, not only in
    ``max``: werkzeug checks ``max`` after choosing a rule by method, so a PATCH to an
    out-of-range id would be a 405 for the GET rule beside it instead of a 404.
    """

    regex = _digits_at_most(MAX_ID)

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


# --- JSON ----------------------------------------------------------------------------------

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# Keep only brackets, as one kind: depth does not care which (a mismatch is malformed JSON,
# which json.loads refuses later anyway).
_BRACKETS_ONLY = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def json_too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON text ``raw`` nests arrays/objects deeper than ``limit``.

    Works on the bytes, so it cannot overflow the stack as ``json.loads`` does: drop the
    strings, keep only the brackets, then remove the innermost empty pairs ``limit`` times
    (each ``bytes.replace`` removes exactly one level: it does not rescan what it joined).
    Pairs left over were deeper.  Every step is a C-level scan, well under a second for a
    4 MB body.
    """
    brackets = _JSON_STRING.sub(b"", raw).translate(_BRACKETS_ONLY, _NOT_BRACKET)
    if b"[" * (limit + 1) in brackets:
        return True
    levels = 0
    while brackets and levels < limit:
        shorter = brackets.replace(b"[]", b"")
        if len(shorter) == len(brackets):
            break  # only unmatched brackets are left: "]]…[[…"
        brackets, levels = shorter, levels + 1
    if b"[]" in brackets:
        return True  # pairs left after ``limit`` levels: deeper
    # Unbalanced (malformed, json.loads will say so): deeper only if the unclosed opens
    # around the levels already removed could make it so.
    return brackets.count(b"[") + levels > limit


# --- the guard -----------------------------------------------------------------------------


class HostileInput(BadRequest):
    """A 400 with its own code and message (the API shows both; the web its error page)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(description=message)
        self.api_code = code


def _control_chars_in_url() -> HostileInput:
    return HostileInput(
        "control_characters", str(_l("Remove the control characters from the address."))
    )


def _checked_by_a_form(key: str) -> bool:
    """Whether some ``TandemForm`` has a field of this name (``prefix-name`` included), so
    the form, not this guard, answers for it with an error next to the field."""
    names = TandemForm.field_names
    return key in names or key.rpartition("-")[2] in names


def refuse_hostile_input() -> None:
    """``before_request``: 404 for control characters in the path; 400 for them in the
    query string or in form values that no form field checks, and for JSON nested too deep."""
    if _CONTROL_IN_URL.search(request.path):
        raise NotFound()  # no route holds one: a path is found or not (ids and tokens alike)
    for key, values in request.args.lists():
        if _CONTROL_IN_URL.search(key) or any(_CONTROL_IN_URL.search(v) for v in values):
            raise _control_chars_in_url()
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if request.is_json:
        if json_too_deep(request.get_data(cache=True)):
            raise HostileInput(
                "too_deep",
                str(_l("The JSON body is nested more than %(n)d levels deep.", n=MAX_JSON_DEPTH)),
            )
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, values in request.form.lists():
            if has_control_chars(key) or (
                not _checked_by_a_form(key) and any(has_control_chars(v) for v in values)
            ):
                raise HostileInput(
                    "control_characters",
                    str(_l("Remove the control characters from the form.")),
                )


def init_edge(app: Flask) -> None:
    """Install the bounded ``int`` converter (before any blueprint adds its rules) and the
    guard.  Registered before the tenant-scope hook, so nothing hostile reaches a query."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_hostile_input)
