"""The time-zone picker's list: the zones of the agency's markets first, then every other
canonical zone, each as "Riyadh (UTC+03:00)" in the reader's language.

``zoneinfo.available_timezones()`` also lists some 200 old aliases and links ("US/Eastern",
"Etc/GMT+3", "Egypt"); a person choosing a city should see each city once.  The canonical
list is the tz database's own ``zone.tab`` (one line per zone in use, by country), from the
``tzdata`` package or the system's zoneinfo.  Validation stays with the brands service,
which still accepts every IANA name (a brand saved with "US/Eastern" keeps working).
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

from babel.dates import get_timezone, get_timezone_location

from saas.i18n import lazy_gettext as _l

# The Gulf and the wider Middle East and North Africa first, then where their partners are.
COMMON_ZONES = (
    "Asia/Riyadh",
    "Asia/Dubai",
    "Asia/Qatar",
    "Asia/Kuwait",
    "Asia/Bahrain",
    "Asia/Muscat",
    "Africa/Cairo",
    "Asia/Amman",
    "Asia/Beirut",
    "Asia/Baghdad",
    "Africa/Casablanca",
    "Africa/Tunis",
    "Africa/Algiers",
    "Europe/Istanbul",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Singapore",
    "UTC",
)

COMMON_GROUP = _l("Common in the region")
OTHER_GROUP = _l("All time zones")

_SYSTEM_ZONE_TAB = Path("/usr/share/zoneinfo/zone.tab")


def _zone_tab() -> str:
    try:
        return resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return _SYSTEM_ZONE_TAB.read_text("utf-8") if _SYSTEM_ZONE_TAB.exists() else ""


@lru_cache(maxsize=1)
def canonical_zones() -> tuple[str, ...]:
    """Every zone in use, once each (no aliases or backward links), plus UTC; sorted."""
    available = zoneinfo.available_timezones()
    listed = {
        line.split("\t")[2]
        for line in _zone_tab().splitlines()
        if line and not line.startswith("#") and line.count("\t") >= 2
    }
    zones = {z for z in listed if z in available}
    if not zones:  # no zone.tab anywhere: Area/City names only, still without the aliases
        zones = {
            z
            for z in available
            if "/" in z and z.split("/", 1)[0] not in {"Etc", "US", "SystemV", "posix", "right"}
        }
    return tuple(sorted(zones | {"UTC"}))


def offset_text(zone: str, when: datetime | None = None) -> str:
    """ "UTC+03:00" / "UTC−05:00" / "UTC" for the zone's offset now (daylight time included)."""
    offset = (when or datetime.now(UTC)).astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "\u2212"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def _offset_minutes(zone: str, when: datetime) -> int:
    offset = when.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def city_name(zone: str, locale: str) -> str:
    """The zone's city in the reader's language ("Riyadh" / "الرياض")."""
    if zone == "UTC":
        return str(_l("Coordinated Universal Time"))
    try:
        return get_timezone_location(get_timezone(zone), locale=locale, return_city=True)
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def label(zone: str, locale: str, when: datetime | None = None) -> str:
    """ "Riyadh (UTC+03:00)": the city, then its offset isolated left to right."""
    return f"{city_name(zone, locale)} (\u2066{offset_text(zone, when)}\u2069)"


@lru_cache(maxsize=8)
def _choices(locale: str, day: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    when = datetime.fromisoformat(f"{day}T12:00:00+00:00")
    canonical = canonical_zones()
    common = [z for z in COMMON_ZONES if z in canonical]
    rest = sorted(
        (z for z in canonical if z not in common),
        key=lambda z: (_offset_minutes(z, when), city_name(z, locale)),
    )
    return (
        (str(COMMON_GROUP), tuple((z, label(z, locale, when)) for z in common)),
        (str(OTHER_GROUP), tuple((z, label(z, locale, when)) for z in rest)),
    )


def grouped_choices(locale: str, extra: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """{group: [(zone, label)]} for a WTForms select with optgroups.

    ``extra`` is a saved zone outside the list (an old alias): it stays selectable so
    editing a brand never changes its zone silently.
    """
    groups = {
        name: list(items) for name, items in _choices(locale, datetime.now(UTC).date().isoformat())
    }
    known = {z for items in groups.values() for z, _ in items}
    if extra and extra not in known:
        groups[str(COMMON_GROUP)].append((extra, extra))
    return groups
