"""The section registry: what a report may contain, in the order it prints."""

from __future__ import annotations

from collections.abc import Callable
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
