"""What a PDF alignment report says: its sections, built from the brand's data for a period.

A report is a cover, a table of contents and the sections it asks for.  Each section is a
``Section`` in the ``SECTIONS`` registry: a title, a ``build(ctx)`` that returns plain
values (dicts, strings, numbers: never ORM objects, so a template cannot lazy-load or
reach another tenant's rows) or ``None`` to leave the section out, and a template under
``templates/reports/sections/``.  Features add their own with ``register_section``.

Data is loaded once per report through ``ReportData`` (cached properties, a fixed number of
queries whatever the size of the plan), in the caller's tenant scope.  The HTML renders with
autoescape in the report's locale; the PDF engineer's ``worker.pdf.render_pdf`` turns it
into a PDF, serving ``asset:<name>`` URLs from ``assets_for(report)``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import current_app
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import extract, func, select

from saas.domain.decisions import decisions_needed
from saas.extensions import db
from saas.i18n import gettext as _
from saas.i18n import lazy_gettext as _l
from saas.models.goals import Audience, Goal, GoalCheckin
from saas.models.plans import CalendarItem, Campaign, Plan, PlanRevision
from saas.models.reports import Report
from saas.models.reviews import Finding, Review, ReviewComment
from saas.presentation.decisions import for_template as decisions_for_template
from saas.presentation.names import quoted_names
from saas.services import storage
from tenants.models import Agency, Brand

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
DEFAULT_ACCENT = "#2f5bea"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
MATRIX_MAX_CAMPAIGNS = 40
MATRIX_COLUMNS = 20
FINDINGS_MAX = 60
NEXT_STEPS_MAX = 10
RTL_LOCALES = {"ar"}


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


def _ink(chart: Any, accent: str) -> Any:
    """Charts draw their series in ``currentColor``; WeasyPrint's SVG needs a real colour."""
    # ``accent`` is a validated #rrggbb, and ``chart`` is already safe markup.
    return Markup(str(chart).replace('"currentColor"', f'"{accent_of(accent)}"'))  # noqa: S704


_SVG_TEXT = re.compile(r"(<(?:text|tspan)\b[^>]*>)([^<]*)")
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F]")


def shape_svg_text(svg: str) -> Markup:
    """Arabic inside SVG <text>: joined presentation forms in visual (left-to-right) order.

    The input is our own escaped chart markup; only the text content of <text>/<tspan>
    elements containing Arabic letters changes, so the markup stays safe."""
    import arabic_reshaper
    from bidi import get_display

    def visual(match: re.Match[str]) -> str:
        text = match.group(2)
        if not _ARABIC.search(text):
            return match.group(0)
        return match.group(1) + get_display(arabic_reshaper.reshape(text))

    return Markup(_SVG_TEXT.sub(visual, svg))  # noqa: S704


def accent_of(value: str | None) -> str:
    """The agency colour if it is exactly ``#rrggbb`` (it goes into a <style> block)."""
    return value.lower() if value and _HEX.match(value) else DEFAULT_ACCENT


# --- data -----------------------------------------------------------------------------------


@dataclass
class ReportData:
    """Everything a report reads, loaded lazily and at most once (constant query count)."""

    report: Report
    locale: str = "en"
    today: date = field(default_factory=date.today)

    @property
    def rtl(self) -> bool:
        return self.locale in RTL_LOCALES

    @property
    def period_start(self) -> date:
        return self.report.period_start

    @property
    def period_end(self) -> date:
        return self.report.period_end

    @property
    def as_of(self) -> date:
        """Progress is judged at the end of the period (or today, if that is earlier)."""
        return min(self.period_end, self.today)

    # formatting
    def number(self, value: float | int | None) -> str:
        if value is None:
            return "—"
        return format_decimal(value, format="#,##0.##", locale=self.locale)

    def day(self, value: date | datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.date()
        return format_date(value, format=fmt, locale=self.locale)

    # rows
    @property
    def accent(self) -> str:
        return accent_of(self.agency.accent_color if self.agency else None)

    def chart(self, draw: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """A chart for the PDF, in the report's language.

        WeasyPrint draws SVG text glyph by glyph, without Arabic shaping or bidi, so in an
        Arabic report the labels inside the SVG are shaped and put in visual order first
        (``shape_svg_text``); the rest of the report is HTML, which WeasyPrint shapes."""
        if self.rtl:
            with force_locale(self.locale):
                kw = {**kw, "title": str(kw.get("title", ""))}
                if "empty_message" in kw:
                    kw["empty_message"] = str(kw["empty_message"])
                drawn = draw(*args, locale=self.locale, rtl=True, **kw)
            return _ink(shape_svg_text(str(drawn)), self.accent)
        return _ink(draw(*args, locale=self.locale, rtl=False, **kw), self.accent)

    def chart_label(self, label: Any) -> str:
        """A word drawn inside a chart (shaped later by ``chart`` in Arabic reports)."""
        with force_locale(self.locale):
            return str(label)

    def names(self, names: list[str], limit: int = 4) -> str:
        """«A», «B» and 2 more: user-entered names in a sentence (escaped by the template)."""
        return quoted_names(names, self.locale, limit)

    @cached_property
    def agency(self) -> Agency:
        return db.session.scalar(select(Agency).where(Agency.id == self.report.agency_id))

    @cached_property
    def brand(self) -> Brand:
        return db.session.scalar(select(Brand).where(Brand.id == self.report.brand_id))

    @cached_property
    def goals(self) -> list[Goal]:
        from saas.services import goals as goal_service

        stmt = goal_service.for_brand(self.report.brand_id).where(Goal.status != "dropped")
        return list(db.session.scalars(stmt))

    @cached_property
    def goal_rows(self) -> list[Any]:
        from saas.services import goals as goal_service

        return goal_service.rows(self.goals, self.as_of)

    @cached_property
    def checkins(self) -> dict[int, list[tuple[date, float]]]:
        ids = [g.id for g in self.goals]
        out: dict[int, list[tuple[date, float]]] = defaultdict(list)
        if not ids:
            return out
        rows = db.session.execute(
            select(GoalCheckin.goal_id, GoalCheckin.date, GoalCheckin.value)
            .where(GoalCheckin.goal_id.in_(ids), GoalCheckin.date <= self.period_end)
            .order_by(GoalCheckin.date, GoalCheckin.id)
        )
        for r in rows:
            out[r.goal_id].append((r.date, r.value))
        return out

    @cached_property
    def review(self) -> Review | None:
        """The latest completed review in or before the period; else the latest open one."""
        end = datetime.combine(self.period_end, datetime.max.time())
        done = db.session.scalar(
            select(Review)
            .where(
                Review.brand_id == self.report.brand_id,
                Review.status == "completed",
                Review.completed_at <= end,
            )
            .order_by(Review.completed_at.desc(), Review.id.desc())
            .limit(1)
        )
        if done is not None:
            return done
        return db.session.scalar(
            select(Review)
            .where(Review.brand_id == self.report.brand_id, Review.status == "open")
            .order_by(Review.created_at.desc(), Review.id.desc())
            .limit(1)
        )

    @cached_property
    def plan(self) -> Plan | None:
        if self.review is not None:
            return db.session.scalar(select(Plan).where(Plan.id == self.review.plan_id))
        return db.session.scalar(
            select(Plan)
            .where(
                Plan.brand_id == self.report.brand_id,
                Plan.status != "archived",
                Plan.period_start <= self.period_end,
                Plan.period_end >= self.period_start,
            )
            .order_by(Plan.created_at.desc(), Plan.id.desc())
            .limit(1)
        )

    @cached_property
    def revision(self) -> PlanRevision | None:
        if self.review is not None:
            return db.session.scalar(
                select(PlanRevision).where(PlanRevision.id == self.review.revision_id)
            )
        if self.plan is None:
            return None
        return db.session.scalar(
            select(PlanRevision)
            .where(PlanRevision.plan_id == self.plan.id)
            .order_by(PlanRevision.number.desc())
            .limit(1)
        )

    @cached_property
    def score_history(self) -> list[tuple[date, float, int]]:
        """(date, score, revision number) of every review of the plan, oldest first."""
        if self.plan is None:
            return []
        rows = db.session.execute(
            select(Review.score, Review.completed_at, Review.created_at, PlanRevision.number)
            .join(PlanRevision, PlanRevision.id == Review.revision_id)
            .where(Review.plan_id == self.plan.id)
            .order_by(PlanRevision.number, Review.id)
        )
        out = []
        for r in rows:
            when = r.completed_at or r.created_at
            if when is not None and when.date() <= self.period_end:
                out.append((when.date(), float(r.score), r.number))
        return out

    @cached_property
    def campaigns(self) -> list[dict[str, Any]]:
        if self.revision is None:
            return []
        rows = db.session.execute(
            select(Campaign.id, Campaign.name, Campaign.networks)
            .where(Campaign.revision_id == self.revision.id)
            .order_by(Campaign.position, Campaign.id)
        )
        return [{"id": r.id, "name": r.name, "networks": list(r.networks or [])} for r in rows]

    @cached_property
    def findings(self) -> list[Finding]:
        """Findings that still count for the client: accepted, or open (not dismissed)."""
        if self.review is None:
            return []
        return list(
            db.session.scalars(
                select(Finding)
                .where(Finding.review_id == self.review.id, Finding.state.in_(("open", "accepted")))
                .order_by(Finding.id)
            )
        )

    @cached_property
    def shared_comments(self) -> list[ReviewComment]:
        """Only comments shared with the client: internal notes never reach a report."""
        if self.review is None:
            return []
        return list(
            db.session.scalars(
                select(ReviewComment)
                .where(ReviewComment.review_id == self.review.id, ReviewComment.shared.is_(True))
                .order_by(ReviewComment.id)
            )
        )

    @cached_property
    def audiences(self) -> list[Audience]:
        return list(
            db.session.scalars(
                select(Audience)
                .where(Audience.brand_id == self.report.brand_id)
                .order_by(Audience.name, Audience.id)
            )
        )

    @cached_property
    def calendar_counts(self) -> list[tuple[int, int, str, int]]:
        """(year, month, network, count) of the revision's calendar within the period."""
        if self.revision is None:
            return []
        year = extract("year", CalendarItem.date)
        month = extract("month", CalendarItem.date)
        rows = db.session.execute(
            select(year, month, CalendarItem.network, func.count(CalendarItem.id))
            .where(
                CalendarItem.revision_id == self.revision.id,
                CalendarItem.date >= self.period_start,
                CalendarItem.date <= self.period_end,
            )
            .group_by(year, month, CalendarItem.network)
        )
        return [(int(r[0]), int(r[1]), r[2], int(r[3])) for r in rows]

    # derived
    def render_finding(self, f: Finding) -> tuple[str, str]:
        from saas.domain.alignment import messages

        try:
            return messages.render(f.rule, dict(f.params or {}), self.locale)
        except Exception:  # noqa: BLE001 - a rule removed since the review opened
            return f.rule, ""


# --- sections -------------------------------------------------------------------------------


def _labels():  # type: ignore[no-untyped-def]
    from saas.web.goals import labels as goal_labels
    from saas.web.plans import labels as plan_labels
    from saas.web.reviews import labels as review_labels

    return goal_labels, plan_labels, review_labels


def _status_class(status: str) -> str:
    return {"on_track": "ok", "achieved": "ok", "at_risk": "warn"}.get(status, "bad")


def _verdict_class(verdict: str | None) -> str:
    return {"aligned": "ok", "needs_changes": "warn", "misaligned": "bad"}.get(
        verdict or "", "muted"
    )


def build_summary(d: ReportData) -> dict[str, Any]:
    from saas.web.charts import line_chart

    _g, _p, review_labels = _labels()
    review = d.review
    score = None
    verdict = None
    if review is not None:
        verdict = review.verdict or review.engine_verdict
        score = {
            "value": d.number(review.score),
            "completed": review.status == "completed",
            "date": d.day(review.completed_at or review.created_at, "long"),
            "verdict": str(review_labels.VERDICT_LABELS.get(verdict, verdict)),
            "verdict_class": _verdict_class(verdict),
        }
    history = d.score_history
    trend = None
    if len(history) >= 2:
        trend = d.chart(
            line_chart,
            [(when, value) for when, value, _n in history],
            title=_("Alignment score by revision"),
            width=620,
            height=200,
        )

    goal_labels, _p, _r = _labels()
    goal_titles = {g.id: g.title for g in d.goals}
    uncovered = [
        goal_titles.get(f.goal_id or 0) or str((f.params or {}).get("goal", ""))
        for f in d.findings
        if f.rule == "goal_uncovered"
    ]
    errors = sum(1 for f in d.findings if f.severity == "error" and f.state == "open")
    decisions = decisions_for_template(
        decisions_needed(
            [(r.goal.title, r.progress.status) for r in d.goal_rows],
            uncovered,
            errors,
            reviewed=review is not None,
            standing=True,
            limit=3,
        ),
        d.locale,
    )
    glance = [
        {
            "title": r.goal.title,
            "status": str(goal_labels.PROGRESS_LABELS.get(r.progress.status, r.progress.status)),
            "status_class": _status_class(r.progress.status),
            "percent": d.number(round(r.progress.percent_complete or 0)),
        }
        for r in d.goal_rows
    ]
    return {
        "score": score,
        "trend": trend,
        "revisions": len(history),
        "override": (d.report.summary_override or "").strip() or None,
        "goals_total": len(d.goal_rows),
        "goals_behind": sum(1 for r in d.goal_rows if r.progress.status == "behind"),
        "goals_at_risk": sum(1 for r in d.goal_rows if r.progress.status == "at_risk"),
        "campaigns": len(d.campaigns),
        "plan_title": d.names([d.plan.title]) if d.plan else None,
        "open_errors": errors,
        "decisions": decisions,
        "glance": glance,
    }


def build_goals(d: ReportData) -> dict[str, Any] | None:
    from saas.web.charts import line_chart

    goal_labels, _p, _r = _labels()
    items = []
    for row in d.goal_rows:
        g = row.goal
        points = d.checkins.get(g.id, [])
        status = row.progress.status
        items.append(
            {
                "title": g.title,
                "metric": g.metric,
                "unit": g.unit or "",
                "baseline": d.number(g.baseline),
                "latest": d.number(row.latest.value) if row.latest else None,
                "target": d.number(g.target),
                "due": d.day(g.due_date),
                "priority": str(goal_labels.PRIORITY_LABELS.get(g.priority, g.priority)),
                "status": str(goal_labels.PROGRESS_LABELS.get(status, status)),
                "status_class": _status_class(status),
                "percent": d.number(round(row.progress.percent_complete or 0)),
                "chart": d.chart(
                    line_chart,
                    points,
                    target=g.target,
                    baseline=g.baseline,
                    title=_("Check-ins for %(goal)s", goal=g.title),
                    width=560,
                    height=170,
                    empty_message=_("No check-ins yet"),
                ),
            }
        )
    return {"goals": items}


def build_matrix(d: ReportData) -> dict[str, Any] | None:
    from saas.services.reviews import strength_word

    _g, _p, review_labels = _labels()
    if d.review is None:
        return {"no_review": True}
    coverage = d.review.coverage or {}
    campaigns = d.campaigns[:MATRIX_MAX_CAMPAIGNS]
    goals = [(g, coverage.get(str(g.id))) for g in d.goals]
    goals = [(g, cells) for g, cells in goals if cells is not None]
    numbered = [
        {"n": d.number(i + 1), "id": c["id"], "name": c["name"]} for i, c in enumerate(campaigns)
    ]
    # A4 holds about 20 columns legibly: wider plans continue in a second table.
    blocks = []
    for start in range(0, len(numbered), MATRIX_COLUMNS):
        chunk = numbered[start : start + MATRIX_COLUMNS]
        rows = []
        for g, cells in goals:
            row = []
            for c in chunk:
                word = strength_word(cells.get(str(c["id"])))
                row.append(
                    {
                        "word": word,
                        "symbol": review_labels.STRENGTH_SYMBOLS[word],
                        "label": str(review_labels.STRENGTH_LABELS[word]),
                    }
                )
            rows.append({"title": g.title, "cells": row})
        blocks.append({"campaigns": chunk, "rows": rows})
    return {
        "no_review": False,
        "campaigns": numbered,
        "blocks": blocks,
        "rows": bool(goals and numbered),
        "hidden": len(d.campaigns) - len(campaigns),
        "hidden_text": d.number(len(d.campaigns) - len(campaigns)),
        "legend": [
            {
                "symbol": review_labels.STRENGTH_SYMBOLS[w],
                "label": str(review_labels.STRENGTH_LABELS[w]),
                "word": w,
            }
            for w in ("strong", "partial", "none")
        ],
    }


def build_findings(d: ReportData) -> dict[str, Any] | None:
    _g, _p, review_labels = _labels()
    if d.review is None:
        return {"no_review": True, "groups": []}
    names = {c["id"]: c["name"] for c in d.campaigns}
    groups: dict[int | None, dict[str, Any]] = {}

    def group(cid: int | None) -> dict[str, Any]:
        key = cid if cid in names else None
        if key not in groups:
            groups[key] = {"name": names.get(key) if key else None, "findings": [], "comments": []}
        return groups[key]

    severity_rank = {"error": 0, "warning": 1, "info": 2}
    shown = sorted(d.findings, key=lambda f: (severity_rank.get(f.severity, 3), f.id))[
        :FINDINGS_MAX
    ]
    for f in shown:
        message, fix = d.render_finding(f)
        group(f.campaign_id)["findings"].append(
            {
                "severity": str(review_labels.SEVERITY_LABELS.get(f.severity, f.severity)),
                "severity_class": {"error": "bad", "warning": "warn"}.get(f.severity, "muted"),
                "message": message,
                "fix": fix,
                "state": str(review_labels.STATE_LABELS.get(f.state, f.state)),
            }
        )
    for c in d.shared_comments:
        group(c.campaign_id)["comments"].append({"body": c.body, "date": d.day(c.created_at)})
    ordered = [groups[cid] for cid in [c["id"] for c in d.campaigns] if cid in groups]
    if None in groups:
        ordered.insert(0, groups[None])
    return {
        "no_review": False,
        "groups": ordered,
        "more": max(0, len(d.findings) - FINDINGS_MAX),
    }


def build_audiences(d: ReportData) -> dict[str, Any] | None:
    from saas.web.charts import bar_chart

    _g, plan_labels, _r = _labels()
    items = []
    for a in d.audiences:
        shares = [
            (
                d.chart_label(plan_labels.NETWORK_LABELS.get(n.get("network"), n.get("network"))),
                n.get("share"),
            )
            for n in (a.networks or [])
            if isinstance(n, dict) and isinstance(n.get("share"), int | float)
        ]
        items.append(
            {
                "name": a.name,
                "description": a.description,
                "engages": a.engages,
                "chart": d.chart(
                    bar_chart,
                    shares,
                    max_value=100,
                    percent=True,
                    title=_("Network share for %(audience)s", audience=a.name),
                    width=520,
                    empty_message=_("No networks recorded"),
                ),
            }
        )
    return {"audiences": items}


def build_calendar(d: ReportData) -> dict[str, Any] | None:
    _g, plan_labels, _r = _labels()
    counts = d.calendar_counts
    networks = sorted({n for _y, _m, n, _c in counts})
    months = sorted({(y, m) for y, m, _n, _c in counts})
    table = {(y, m, n): c for y, m, n, c in counts}
    rows = []
    for y, m in months:
        cells = [table.get((y, m, n), 0) for n in networks]
        rows.append(
            {
                "month": format_date(date(y, m, 1), "LLLL y", locale=d.locale),
                "cells": [d.number(c) if c else "·" for c in cells],
                "total": d.number(sum(cells)),
            }
        )
    totals = [sum(table.get((y, m, n), 0) for y, m in months) for n in networks]
    return {
        "networks": [str(plan_labels.NETWORK_LABELS.get(n, n)) for n in networks],
        "rows": rows,
        "totals": [d.number(t) for t in totals],
        "total": d.number(sum(totals)),
    }


def build_next_steps(d: ReportData) -> dict[str, Any] | None:
    recommendations = []
    if d.review is not None and d.review.recommendations:
        recommendations = [
            p.strip() for p in re.split(r"\n\s*\n", d.review.recommendations) if p.strip()
        ]
    fixes: list[str] = []
    severity_rank = {"error": 0, "warning": 1, "info": 2}
    for f in sorted(d.findings, key=lambda f: (severity_rank.get(f.severity, 3), f.id)):
        _message, fix = d.render_finding(f)
        if fix and fix not in fixes:
            fixes.append(fix)
        if len(fixes) >= NEXT_STEPS_MAX:
            break
    return {"recommendations": recommendations, "fixes": fixes}


register_section("summary", _l("Summary"), build_summary)
register_section("goals", _l("Goals"), build_goals)
register_section("matrix", _l("Alignment matrix"), build_matrix)
register_section("findings", _l("Findings and comments"), build_findings)
register_section("audiences", _l("Audiences and networks"), build_audiences)
register_section("calendar", _l("Content calendar"), build_calendar)
register_section("next_steps", _l("Next steps"), build_next_steps)


# --- the document ---------------------------------------------------------------------------


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
        "brand": d.brand.name if d.brand else "",
        "accent": accent_of(d.agency.accent_color if d.agency else None),
        "agency_logo": has_logo.get("agency-logo", False),
        "brand_logo": has_logo.get("brand-logo", False),
        "period_start": d.day(d.period_start, "long"),
        "period_end": d.day(d.period_end, "long"),
        "generated": d.day(d.today, "long"),
        "plan": d.plan.title if d.plan else None,
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
            sections=sections,
        )
    tick(60)
    return html
