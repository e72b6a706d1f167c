"""The demo's leadership sessions: for each brand, a session held a few weeks ago with its
minutes, decisions and action items (one already overdue), and the next one scheduled, whose
agenda drafts itself from what is still open.

Everything goes through the services a consultant's clicks use; the past session is booked
and minuted with the clock set back (``now=``), because the services refuse a start in the
past and minutes before a session has begun, as they should.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from saas.extensions import db
from saas.models import Brand, Membership, StrategySession
from saas.services import strategy_sessions
from saas.services.strategy_sessions import minutes as minutes_service


@dataclass(frozen=True)
class ActionSpec:
    title: str
    owner: str  # "leader", "team" or "consultant"
    due_in_days: int  # from today; negative: already overdue


@dataclass(frozen=True)
class SessionSpec:
    title: str
    kind: str
    days_from_today: int  # negative: held in the past
    local_start: time
    duration_minutes: int
    location: str
    minutes: str = ""
    decisions: tuple[tuple[str, str], ...] = ()  # (text, "decided" | "pending")
    actions: tuple[ActionSpec, ...] = ()


QAMAR_SESSIONS = (
    SessionSpec(
        title="مراجعة الأعمال الفصلية",
        kind="quarterly_business_review",
        days_from_today=-21,
        local_start=time(10, 0),
        duration_minutes=60,
        location="https://meet.example/qamar-qbr",
        minutes=(
            "راجعنا نتائج الربع مع قيادة قمر: نمت زيارات المتجر من إنستغرام، وبقيت "
            "متابعة تيك توك دون الهدف.\n\n"
            "اتفقنا على تركيز الربع القادم على المحتوى القصير وعلى قياس الزيارات لا المشاهدات."
        ),
        decisions=(
            ("تركيز ميزانية الربع القادم على إنستغرام وتيك توك.", "decided"),
            ("اعتماد ميزانية الإعلانات المدفوعة لموسم رمضان.", "pending"),
        ),
        actions=(
            ActionSpec("مشاركة تقرير أداء الحملات الشهري مع القيادة", "team", -5),
            ActionSpec("إعداد مقترح حملة رمضان مع تقدير الميزانية", "consultant", 10),
        ),
    ),
    SessionSpec(
        title="مراجعة الأعمال الفصلية القادمة",
        kind="quarterly_business_review",
        days_from_today=14,
        local_start=time(10, 0),
        duration_minutes=90,
        location="https://meet.example/qamar-qbr",
    ),
)

ATLAS_SESSIONS = (
    SessionSpec(
        title="Planning workshop",
        kind="strategy_workshop",
        days_from_today=-12,
        local_start=time(14, 0),
        duration_minutes=90,
        location="Atlas HQ, Leeds",
        minutes=(
            "We walked through the running plan against the brand's goals. Pinterest stays "
            "out until the audience research says otherwise."
        ),
        decisions=(("Keep this quarter's budget on Instagram and YouTube.", "decided"),),
        actions=(ActionSpec("Share last season's store-visit figures", "leader", 4),),
    ),
    SessionSpec(
        title="Campaign kickoff",
        kind="campaign_kickoff",
        days_from_today=9,
        local_start=time(15, 0),
        duration_minutes=60,
        location="https://meet.example/atlas-kickoff",
    ),
)


def _start(spec: SessionSpec, zone: str, today: date) -> datetime:
    day = today + timedelta(days=spec.days_from_today)
    return datetime.combine(day, spec.local_start, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def load_sessions(
    brand: Brand,
    people: dict[str, Membership],
    specs: tuple[SessionSpec, ...],
    today: date,
    note: Callable[[str], None],
) -> None:
    """Book (and, for past ones, minute) each session of ``specs`` that is missing.

    ``people`` maps "leader", "team" and "consultant" to memberships; the consultant books."""
    consultant = people["consultant"]
    zone = brand.timezone or "UTC"
    for spec in specs:
        exists = db.session.scalar(
            select(StrategySession.id).where(
                StrategySession.brand_id == brand.id, StrategySession.title == spec.title
            )
        )
        if exists:
            continue
        starts = _start(spec, zone, today)
        # Booked a week before it took place (a past one) or today (an upcoming one).
        booked = min(datetime.now(UTC), starts - timedelta(days=7))
        body: dict[str, Any] = {
            "title": spec.title,
            "kind": spec.kind,
            "starts_at": starts.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M"),
            "timezone": zone,
            "duration_minutes": spec.duration_minutes,
            "location": spec.location,
            "attendees": [
                {"user_id": people["leader"].user_id, "part": "leader"},
                {"user_id": people["team"].user_id, "part": "senior_social"},
                {"user_id": consultant.user_id, "part": "consultant"},
            ],
            "confirm_conflicts": True,
        }
        (session,) = strategy_sessions.create(consultant, brand, body, now=booked)
        note(f"the session {spec.title!r} of {brand.name}")
        if spec.days_from_today >= 0:
            continue
        minuted = starts + timedelta(minutes=spec.duration_minutes + 30)
        minutes_service.record(
            consultant,
            session,
            brand,
            {
                "minutes": spec.minutes,
                "decisions": [{"text": t, "status": s} for t, s in spec.decisions],
                "action_items": [
                    {
                        "title": a.title,
                        "owner_id": people[a.owner].user_id,
                        "due_on": (today + timedelta(days=a.due_in_days)).isoformat(),
                    }
                    for a in spec.actions
                ],
            },
            now=minuted,
        )
        note(f"the minutes of {spec.title!r}")
