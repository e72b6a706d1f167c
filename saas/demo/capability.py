"""The demo's team capability: each brand's social team with its assessments, the learning
budget the client committed to, and (for Qamar Coffee) the learning planned to close its gap.

Qamar Coffee's team is strong in Instagram, content and customer care, but nobody is past
"aware" in TikTok or short video, so both of its plans' short-video campaigns trip the
engine's ``capability_gap`` rule: the reviews raise it, the overview's capability card and
the report show it, and, because the story-polls campaign (stories are short video) serves
the high-priority online-orders goal, the next business review's agenda drafts it too.  A
partner-led TikTok workshop (a strategy session of kind ``training``) is planned for it.
Atlas Outdoor's team covers what its plan needs.

Loaded before the plans are reviewed (the reviews read the team).  Everything goes through
the services a person's clicks use, and only what is missing is created (idempotent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import func, select

from saas.demo import sessions as demo_sessions
from saas.extensions import db
from saas.models import Brand, Membership, StrategySession
from saas.models.capability import Assessment, LearningItem, TeamMember
from saas.services import learning
from saas.services.capability import assessments as assessments_service
from saas.services.capability import skills as skills_service
from saas.services.capability import team as team_service


@dataclass(frozen=True)
class MemberSpec:
    name: str
    login: str | None  # "team": the brand's client-team login is this member
    # (skill key, rating); a consultant's assessment unless the member rates themself
    consultant: tuple[tuple[str, int], ...]
    own: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class LearningSpec:
    title: str
    member: str
    skill: str
    format: str
    hours: float
    due_in_days: int
    done: bool = False


@dataclass(frozen=True)
class TeamSpec:
    members: tuple[MemberSpec, ...]
    budget: float  # hours per person per month
    training: tuple[demo_sessions.SessionSpec, ...] = ()
    learning: tuple[LearningSpec, ...] = ()


QAMAR_TRAINING_TITLE = "ورشة تيك توك والفيديو القصير مع الوكالة"

QAMAR_TEAM = TeamSpec(
    members=(
        MemberSpec(
            "خالد ناصر",
            "team",
            consultant=(("tiktok", 1), ("short_video", 1), ("instagram", 3)),
            # He rates himself higher in TikTok than the consultant does: the consultant's counts.
            own=(
                ("tiktok", 2),
                ("instagram", 3),
                ("content_creation", 3),
                ("analytics_reporting", 1),
            ),
        ),
        MemberSpec(
            "ريم العتيبي",
            None,
            consultant=(
                ("instagram", 4),
                ("content_creation", 3),
                ("short_video", 1),
                ("tiktok", 0),
                ("strategy_planning", 2),
            ),
        ),
        MemberSpec(
            "فهد الدوسري",
            None,
            consultant=(
                ("paid_social", 3),
                ("snapchat", 3),
                ("social_commerce", 2),
                ("facebook", 3),
                ("tiktok", 1),
            ),
        ),
        MemberSpec(
            "نوف الشهري",
            None,
            consultant=(
                ("customer_care", 3),
                ("community_management", 3),
                ("whatsapp", 3),
                ("facebook", 2),
                ("instagram", 2),
            ),
        ),
    ),
    budget=4.0,
    training=(
        demo_sessions.SessionSpec(
            title=QAMAR_TRAINING_TITLE,
            kind="training",
            days_from_today=21,
            local_start=time(11, 0),
            duration_minutes=120,
            location="https://meet.example/qamar-tiktok",
        ),
    ),
    learning=(
        LearningSpec(QAMAR_TRAINING_TITLE, "خالد ناصر", "tiktok", "partner_session", 2.0, 21),
        LearningSpec(
            QAMAR_TRAINING_TITLE, "ريم العتيبي", "short_video", "partner_session", 2.0, 21
        ),
        LearningSpec(
            "دورة أساسيات الفيديو القصير", "ريم العتيبي", "short_video", "course", 1.5, 10
        ),
        LearningSpec(
            "قراءة: دليل الرد السريع على التعليقات",
            "نوف الشهري",
            "customer_care",
            "reading",
            1.0,
            0,
            done=True,
        ),
    ),
)

ATLAS_TEAM = TeamSpec(
    members=(
        MemberSpec(
            "Tom Hughes",
            "team",
            consultant=(("instagram", 3), ("content_creation", 4), ("short_video", 3)),
            own=(("youtube", 2), ("tiktok", 2), ("pinterest", 2)),
        ),
        MemberSpec(
            "Priya Shah",
            None,
            consultant=(
                ("paid_social", 3),
                ("facebook", 3),
                ("social_commerce", 2),
                ("analytics_reporting", 3),
            ),
        ),
        MemberSpec(
            "Dan Murphy",
            None,
            consultant=(("customer_care", 3), ("community_management", 3), ("youtube", 2)),
        ),
    ),
    budget=3.0,
)


def load_team(
    brand: Brand,
    people: dict[str, Membership],
    spec: TeamSpec,
    today: date,
    note: Callable[[str], None],
) -> None:
    """The brand's team, assessments, budget, training session and learning items (what is
    missing of them).  ``people`` maps "leader", "team" and "consultant" to memberships."""
    consultant = people["consultant"]
    skills_service.ensure_seeded()
    members: dict[str, TeamMember] = {}
    for m in spec.members:
        member = db.session.scalar(
            select(TeamMember).where(TeamMember.brand_id == brand.id, TeamMember.name == m.name)
        )
        if member is None:
            login = people[m.login] if m.login else None
            body = {"name": m.name, "user_id": login.user_id if login else None}
            member = team_service.add(consultant, brand, body)
            note(f"{brand.name}: {m.name} on the team")
        members[m.name] = member
        rated = db.session.scalar(
            select(func.count(Assessment.id)).where(Assessment.member_id == member.id)
        )
        if rated:
            continue
        for key, rating in m.own:
            # A member rates themself through their own login.
            assessments_service.add(
                people[m.login], brand, {"member_id": member.id, "skill": key, "rating": rating}
            )
        for key, rating in m.consultant:
            assessments_service.add(
                consultant, brand, {"member_id": member.id, "skill": key, "rating": rating}
            )
        note(f"{brand.name}: {m.name}'s assessments")
    if learning.current_budget(brand.id) is None:
        learning.set_budget(consultant, brand, spec.budget)
        note(f"{brand.name}: a learning budget of {spec.budget:g} hours per person per month")
    if spec.training:
        demo_sessions.load_sessions(brand, people, spec.training, today, note)
    for item in spec.learning:
        _learning_item(brand, consultant, members[item.member], item, today, note)


def _learning_item(
    brand: Brand,
    consultant: Membership,
    member: TeamMember,
    item: LearningSpec,
    today: date,
    note: Callable[[str], None],
) -> None:
    exists = db.session.scalar(
        select(LearningItem.id).where(
            LearningItem.member_id == member.id, LearningItem.title == item.title
        )
    )
    if exists:
        return
    values: dict[str, object] = {
        "member_id": member.id,
        "title": item.title,
        "skill_key": item.skill,
        "format": item.format,
        "due_on": today + timedelta(days=item.due_in_days),
        "hours": item.hours,
    }
    if item.format == "partner_session":
        values["session_id"] = db.session.scalar(
            select(StrategySession.id).where(
                StrategySession.brand_id == brand.id,
                StrategySession.title == item.title,
                StrategySession.kind == "training",
            )
        )
    row = learning.create(consultant, brand, values)
    if item.done:
        learning.update(consultant, row, {"status": "done"})
    note(f"{brand.name}: the learning item {item.title!r} for {member.name}")
