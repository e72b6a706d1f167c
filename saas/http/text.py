"""Control characters in request text: found once, for forms, JSON bodies and the edge."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# C0 controls except tab, newline and carriage return, plus DEL: never legitimate in text.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_chars(value: str) -> bool:
    """True when ``value`` holds a character no text field should contain (NUL first of all)."""
    return _CONTROL_IN_TEXT.search(value) is not None


def control_char_paths(value: Any, path: str = "") -> Iterator[str]:
    """Dotted paths (as pydantic names them: ``campaigns.0.name``) of strings with control
    characters, keys included; ``value`` is parsed JSON no deeper than the edge allows."""
    if isinstance(value, str):
        if has_control_chars(value):
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = str(key)
            if has_control_chars(name):
                name = name.encode("unicode_escape").decode("ascii")
                yield f"{path}.{name}" if path else name
                continue
            yield from control_char_paths(item, f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from control_char_paths(item, f"{path}.{index}" if path else str(index))
