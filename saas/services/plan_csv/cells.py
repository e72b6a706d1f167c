"""One cell at a time: reading what people type in spreadsheets, and writing safe cells.

Pure functions.  Exports neutralise spreadsheet formulas: a cell that starts with
``= + - @`` (or a tab / carriage return) is prefixed with ``'``; the import removes that
prefix again, so an export imports back unchanged.  Goals and audiences are written by
*name*, matched case-insensitively on import; a name that is ambiguous or that could be
mistaken for an id is written as ``#<id>``.  A goal's expected contribution follows its name
in brackets: ``Grow sales (40); #12 (5)``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from saas.domain.vocabulary import NETWORKS
from saas.i18n import gettext as _
from saas.services.plan_csv.errors import CellError

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Spellings people type for the vocabulary ids.
ALIASES = {
    "twitter": "x",
    "x_(twitter)": "x",
    "twitter_(x)": "x",
    "ig": "instagram",
    "fb": "facebook",
    "reel": "short_video",
    "reels": "short_video",
    "short": "short_video",
    "shorts": "short_video",
    "stories": "story",
    "posts": "post",
    "ads": "ad",
    "video": "long_video",
}
LIST_SPLIT = re.compile(r"[;\u061b]")  # ; and the Arabic semicolon
_NETWORK_SPLIT = re.compile(r"[;\u061b,|/\u060c]")
_CONTRIBUTION = re.compile(r"^(?P<name>.*?)\s*\(\s*(?P<value>[^()]*?)\s*\)$", re.S)
_ID_REF = re.compile(r"^#?\d+$")
_NUMERIC = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")


def escape_cell(value: Any) -> str:
    """A value as a CSV cell that no spreadsheet will run as a formula.

    Plain numbers (``-12.5``) are left alone; any other text starting with a formula
    trigger, or with the ``'`` escape itself, gets a leading ``'``.
    """
    text = "" if value is None else str(value)
    if not text or _NUMERIC.match(text):
        return text
    if text.startswith(FORMULA_TRIGGERS) or text.startswith("'"):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """Undo ``escape_cell``: drop one ``'`` in front of a formula trigger or another ``'``."""
    if len(text) > 1 and text[0] == "'" and (text[1] in FORMULA_TRIGGERS or text[1] == "'"):
        return text[1:]
    return text


def format_number(value: float | Decimal | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def ascii_digits(text: str) -> str:
    """Arabic-Indic and other decimal digits → 0-9 (Excel in Arabic may write them)."""
    out = []
    for ch in text:
        digit = unicodedata.decimal(ch, None)
        out.append(str(digit) if digit is not None and not ch.isascii() else ch)
    return "".join(out)


def _number_text(text: str, delimiter: str) -> str:
    cleaned = ascii_digits(text).replace("\u066b", ".").replace("\u066c", ",")
    cleaned = re.sub(r"[\s\u00a0\u202f_]", "", cleaned)
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+", cleaned) and delimiter != ";":
            cleaned = cleaned.replace(",", "")
        else:
            cleaned = cleaned.replace(",", ".")  # a decimal comma (European spreadsheets)
    return cleaned


def _finite(text: str, delimiter: str, kind: type[float] | type[Decimal]) -> Any:
    """The cell as a finite ``kind`` (float or Decimal), or ``None``."""
    try:
        value = kind(_number_text(text, delimiter))
    except (ValueError, InvalidOperation):
        return None
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    return value if finite else None


def parse_float(text: str, delimiter: str = ",") -> float:
    value = _finite(text, delimiter, float)
    if value is None:
        raise CellError(_("must be a number, like 1500 or 2.5"))
    return value


def parse_decimal(text: str, delimiter: str = ",") -> Decimal:
    value = _finite(text, delimiter, Decimal)
    if value is None:
        raise CellError(_("must be an amount, like 1500 or 1500.50"))
    return value


def parse_date(text: str) -> date:
    cleaned = ascii_digits(text).strip()
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?", cleaned)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise CellError(_("must be a date written as year-month-day, like 2027-03-31"))


def _vocabulary_id(text: str) -> str:
    ident = re.sub(r"[\s\-]+", "_", text.strip().casefold())
    return ALIASES.get(ident, ident)


def parse_choice(text: str, choices: Sequence[str]) -> str:
    ident = _vocabulary_id(text)
    if ident not in choices:
        raise CellError(
            _(
                "“%(value)s” is not one of: %(choices)s",
                value=text.strip(),
                choices=", ".join(choices),
            )
        )
    return ident


def parse_networks(text: str) -> list[str]:
    networks: list[str] = []
    for part in _NETWORK_SPLIT.split(text):
        if part.strip():
            network = parse_choice(part, NETWORKS)
            if network not in networks:
                networks.append(network)
    return networks


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class NameIndex:
    """Names → ids for goals or audiences of one brand, and the reverse for export."""

    def __init__(self, names: Mapping[int, str]):
        self.names = dict(names)
        self._by_name: dict[str, list[int]] = {}
        for ident, name in self.names.items():
            self._by_name.setdefault(_name_key(name), []).append(ident)

    def label(self, ident: int) -> str:
        """The name when it reads back unambiguously, else ``#<id>``."""
        name = self.names.get(ident)
        if (
            name is None
            or name != name.strip()
            or not name
            or len(self._by_name.get(_name_key(name), ())) != 1
            or LIST_SPLIT.search(name)
            or _ID_REF.match(name)
            or name.startswith(("'", *FORMULA_TRIGGERS))
        ):
            return f"#{ident}"
        return name

    def find(self, ref: str) -> int | None:
        """The id a reference names, ``None`` if nothing; raises when it is ambiguous."""
        ref = ascii_digits(ref.strip())
        if _ID_REF.match(ref):
            ident = int(ref.lstrip("#"))
            if ident in self.names:
                return ident
        found = self._by_name.get(_name_key(ref), [])
        if len(found) > 1:
            raise CellError(
                _("“%(name)s” names more than one; write its id instead, like #12", name=ref)
            )
        return found[0] if found else None


def parse_goal_links(
    text: str, goals: NameIndex, delimiter: str = ","
) -> list[tuple[int, float | None]]:
    links: list[tuple[int, float | None]] = []
    for part in LIST_SPLIT.split(text):
        ref = part.strip()
        if not ref:
            continue
        goal_id, contribution = goals.find(ref), None
        if goal_id is None:
            match = _CONTRIBUTION.match(ref)
            if match:
                goal_id = goals.find(match["name"])
                if goal_id is not None:
                    contribution = parse_float(match["value"], delimiter)
        if goal_id is None:
            raise CellError(_("Unknown goal “%(name)s”", name=ref))
        if any(existing == goal_id for existing, _c in links):
            raise CellError(_("the goal “%(name)s” is listed twice", name=ref))
        links.append((goal_id, contribution))
    return links


def format_goal_links(links: Iterable[tuple[int, float | None]], goals: NameIndex) -> str:
    parts = []
    for goal_id, contribution in links:
        label = goals.label(goal_id)
        if contribution is not None:
            label = f"{label} ({format_number(contribution)})"
        parts.append(label)
    return "; ".join(parts)


def parse_audience(ref: str, audiences: NameIndex) -> int:
    found = audiences.find(ref)
    if found is None:
        raise CellError(_("Unknown audience “%(name)s”", name=ref))
    return found


class CampaignIndex:
    """A plan's campaigns for a calendar file's ``campaign`` cells: by key or by name.

    A cell is first a key (exact), then a name (capitals and spaces do not matter), which
    must name one campaign only.  Exports write the name when it reads back to the same
    campaign, else the key.
    """

    def __init__(self, campaigns: Iterable[tuple[str, str]]):
        """``campaigns``: (key, name) pairs of the plan's campaigns."""
        self.names: dict[str, str] = {}
        self._by_name: dict[str, list[str]] = {}
        for key, name in campaigns:
            self.names[key] = name
            if name.strip():
                self._by_name.setdefault(_name_key(name), []).append(key)

    @classmethod
    def of(cls, campaigns: Iterable[Any]) -> CampaignIndex:
        """From campaign records (with ``key`` and ``name``) or from bare keys."""
        pairs = []
        for campaign in campaigns:
            if isinstance(campaign, str):
                pairs.append((campaign, ""))
            elif getattr(campaign, "key", None):
                pairs.append((campaign.key, campaign.name or ""))
        return cls(pairs)

    def find(self, ref: str) -> str:
        """The key a cell names; ``CellError`` when it names none or more than one."""
        ref = ref.strip()
        if ref in self.names:
            return ref
        found = self._by_name.get(_name_key(ref), []) if ref else []
        if len(found) > 1:
            raise CellError(
                _(
                    "“%(name)s” is the name of more than one campaign of this plan; write "
                    "its key instead (from the campaigns file)",
                    name=ref,
                )
            )
        if not found:
            raise CellError(
                _("no campaign of this plan is called “%(name)s” or has it as its key", name=ref)
            )
        return found[0]

    def label(self, key: str) -> str:
        """The campaign's name when it reads back to this campaign alone, else its key."""
        name = self.names.get(key)
        if (
            not name
            or name != name.strip()
            or len(self._by_name.get(_name_key(name), ())) != 1
            or (name in self.names and name != key)
        ):
            return key
        return name
