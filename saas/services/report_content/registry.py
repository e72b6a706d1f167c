"""The section registry: what a report may contain, in the order it prints.

It is the one list of section names: the report API, the request service, the schedules
and the web forms all ask it (``section_names``, ``unknown_sections``, ``in_print_order``),
so a feature that registers a section is accepted everywhere without editing another list.
The ``Report`` model keeps no list (it stores what was asked for, as JSON).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from saas.services.report_content.data import ReportData


@dataclass(frozen=True)
class Section:
    name: str
    title: Any  # a lazy string, evaluated in the report's locale
    build: Callable[[ReportData], dict[str, Any] | None]
    template: str


SECTIONS: dict[str, Section] = {}
SECTION_TITLES: dict[str, Any] = {}


def register_section(
    name: str,
    title: Any,
    build: Callable[[ReportData], dict[str, Any] | None],
    template: str | None = None,
) -> Section:
    """Add (or replace) a section; the order of registration is the order in the report."""
    section = Section(name, title, build, template or f"reports/sections/{name}.html")
    SECTIONS[name] = section
    SECTION_TITLES[name] = title
    return section


def section_names() -> tuple[str, ...]:
    """Every registered section's name, in print order (import the package, not this
    module, so the built-in sections are registered first)."""
    return tuple(SECTIONS)


def unknown_sections(names: Iterable[str]) -> list[str]:
    """The names among ``names`` that no section is registered under, sorted."""
    return sorted({n for n in names if n not in SECTIONS})


def in_print_order(names: Iterable[str]) -> list[str]:
    """The registered names among ``names``, once each, in the order the report prints."""
    wanted = set(names)
    return [name for name in SECTIONS if name in wanted]
