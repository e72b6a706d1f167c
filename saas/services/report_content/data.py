"""``ReportData``: everything a report reads, loaded once, and how it formats for the PDF.

Cached properties make a fixed number of queries whatever the size of the plan, in the
caller's tenant scope.  Numbers, days and charts come out in the report's locale; charts
get the agency's colour and, in Arabic, shaped text (WeasyPrint does not shape SVG text).
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import force_locale
from markupsafe import Markup, escape
from sqlalchemy import extract, func, select

from saas.extensions import db
from saas.models.goals import Audience, Goal, GoalCheckin
from saas.models.plans import CalendarItem, Campaign, Plan, PlanRevision
from saas.models.reports import Report
from saas.models.reviews import Finding, Review, ReviewComment
from saas.presentation.bidi import isolate_ranges
from saas.presentation.names import quoted_names
from saas.services import goals as goal_service
from saas.services import reviews
from tenants.models import Agency, Brand

DEFAULT_ACCENT = "#2f5bea"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
RTL_LOCALES = {"ar"}


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
        # Reorder the characters, not the entities: "&lt;" reversed would be ";tl&", which
        # breaks the SVG and drops the whole chart.
        shaped = get_display(arabic_reshaper.reshape(html.unescape(text)))
        return match.group(1) + str(escape(shaped))

    return Markup(_SVG_TEXT.sub(visual, svg))  # noqa: S704


def accent_of(value: str | None) -> str:
    """The agency colour if it is exactly ``#rrggbb`` (it goes into a <style> block)."""
    return value.lower() if value and _HEX.match(value) else DEFAULT_ACCENT


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

    def text(self, value: str | None) -> str:
        """People's text for the PDF: numeric ranges isolated ("18–30" stays so in Arabic)."""
        return isolate_ranges(value)

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
        stmt = goal_service.for_brand(self.report.brand_id).where(Goal.status != "dropped")
        return list(db.session.scalars(stmt))

    @cached_property
    def goal_rows(self) -> list[Any]:
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
    def previous_review(self) -> Review | None:
        """The latest completed review of an earlier revision of the plan than the report's
        review: "what changed since the last review" compares the two."""
        if self.review is None or self.revision is None:
            return None
        return db.session.scalar(
            select(Review)
            .join(PlanRevision, PlanRevision.id == Review.revision_id)
            .where(
                Review.plan_id == self.review.plan_id,
                Review.status == "completed",
                PlanRevision.number < self.revision.number,
            )
            .order_by(PlanRevision.number.desc(), Review.completed_at.desc(), Review.id.desc())
            .limit(1)
        )

    def counted_findings(self, review: Review) -> list[tuple[Finding, str | None]]:
        """A review's findings that count (open or accepted), each with its campaign's stable
        key, so two revisions' findings can be matched campaign by campaign."""
        rows = db.session.execute(
            select(Finding, Campaign.key)
            .outerjoin(Campaign, Campaign.id == Finding.campaign_id)
            .where(Finding.review_id == review.id, Finding.state.in_(("open", "accepted")))
            .order_by(Finding.id)
        )
        return [(f, key) for f, key in rows]

    def revision_numbers(self, ids: list[int]) -> list[tuple[int, int]]:
        """(revision id, number) for the given revisions of the plan."""
        rows = db.session.execute(
            select(PlanRevision.id, PlanRevision.number).where(PlanRevision.id.in_(ids))
        )
        return [(r.id, r.number) for r in rows]

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
        return reviews.render_finding(f, self.locale)
