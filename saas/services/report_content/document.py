"""The report as one HTML document: cover, table of contents and the sections it asks for.

The HTML renders with autoescape in the report's locale; ``worker.pdf.render_pdf`` turns it
into a PDF, serving ``asset:<name>`` URLs from ``assets_for(report)``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale

from saas.models.reports import Report
from saas.presentation.bidi import dir_of, isolated
from saas.services import storage
from saas.services.report_content.data import ReportData, accent_of
from saas.services.report_content.registry import SECTIONS

STATIC_DIR = Path(__file__).resolve().parent.parent.parent / "static"


def assets_for(report: Report) -> dict[str, Path]:
    """The files ``asset:<name>`` URLs may load: our print CSS and the tenant's logos."""
    data = ReportData(report)
    assets: dict[str, Path] = {}
    css = STATIC_DIR / "report.css"
    if css.is_file():
        assets["report.css"] = css
    for name, obj in (("agency-logo", data.agency), ("brand-logo", data.brand)):
        path = storage.resolve(getattr(obj, "logo_path", None)) if obj is not None else None
        if path is not None and Path(path).is_file():
            assets[name] = Path(path)
    return assets


def _cover(d: ReportData, has_logo: dict[str, bool]) -> dict[str, Any]:
    return {
        "agency": d.agency.name if d.agency else "",
        # Inside a translated sentence: isolated, so a Latin name keeps its place in Arabic.
        "agency_isolated": f"\u2068{d.agency.name}\u2069" if d.agency else "",
        "brand": d.brand.name if d.brand else "",
        "accent": accent_of(d.agency.accent_color if d.agency else None),
        "agency_logo": has_logo.get("agency-logo", False),
        "brand_logo": has_logo.get("brand-logo", False),
        "period_start": d.day(d.period_start, "long"),
        "period_end": d.day(d.period_end, "long"),
        "generated": d.day(d.today, "long"),
        "plan": d.text(d.plan.title) if d.plan else None,
    }


def build_html(
    report: Report,
    *,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
) -> str:
    """The report as one HTML document in ``report.locale`` (progress 0..60 on the way)."""
    tick = progress or (lambda _n: None)
    tick(0)
    locale = "ar" if (report.locale or "en").lower().startswith("ar") else "en"
    data = ReportData(report, locale=locale, today=today or date.today())
    wanted = [name for name in SECTIONS if name in set(report.sections or [])]
    assets = assets_for(report)
    tick(5)
    with force_locale(locale):
        sections = []
        for i, name in enumerate(wanted):
            section = SECTIONS[name]
            content = section.build(data)
            if content is not None:
                sections.append(
                    {
                        "name": name,
                        "anchor": f"section-{name}",
                        "title": str(section.title),
                        "template": section.template,
                        "data": content,
                    }
                )
            tick(5 + int(50 * (i + 1) / max(len(wanted), 1)))
        template = current_app.jinja_env.get_template("reports/report.html")
        html = template.render(
            locale=locale,
            dir="rtl" if data.rtl else "ltr",
            arrow="←" if data.rtl else "→",
            cover=_cover(data, {k: True for k in assets}),
            # WeasyPrint has no dir="auto": people's text gets its direction from here.
            iso=isolated,
            dir_of=dir_of,
            sections=sections,
        )
    tick(60)
    return html
