"""The capability summary a brand's leaders read: strengths, the gaps that put goals at
risk (ranked by the goals' priority), and the protected learning time used this month."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, select

from saas.extensions import db
from saas.models import Brand
from saas.services.capability.summary import capability_summary
from tenants.context import tenant_scope
from tests.capability.leadership.seed import (
    HIGH_GOAL,
    LOW_GOAL,
    MEDIUM_GOAL,
    seed_capability,
    set_min_rating,
)


def summary_of(world, role=None, brand=None):
    with tenant_scope(world.agency.id):
        b = db.session.scalar(select(Brand).where(Brand.id == (brand or world.brand).id))
        return capability_summary(b, role)


def test_strengths_are_skills_someone_does_independently(alpha):
    seed_capability(alpha)
    s = summary_of(alpha)
    assert [(x.skill.key, x.rating) for x in s.strengths] == [
        ("instagram", 4),
        ("content_creation", 3),
        ("customer_care", 3),
    ]
    assert s.strengths[0].skill.name("ar") == "إنستغرام"
    assert s.members == 3 and s.has_team


def test_gaps_are_what_current_plans_need_ranked_high_priority_goals_first(alpha):
    seed = seed_capability(alpha)
    s = summary_of(alpha, "consultant")
    keys = [g.skill.key for g in s.gaps]
    # App orders (high goal) needs social commerce nobody has; the TikTok teaser (medium)
    # needs TikTok and short video (best: 1, the consultant's rating counting over a self 3);
    # Snap stories of the submitted plan (low) needs Snapchat.  The draft's YouTube never.
    assert keys == ["social_commerce", "short_video", "tiktok", "snapchat"]
    first = s.gaps[0]
    assert first.rating == 0 and first.threshold == 2
    assert [c.name for c in first.campaigns] == ["App orders"]
    assert [g.title for g in first.goals] == [HIGH_GOAL, LOW_GOAL]  # high priority first
    assert first.touches_high_priority
    tiktok = s.gaps[2]
    assert tiktok.rating == 1 and [g.title for g in tiktok.goals] == [MEDIUM_GOAL]
    assert not tiktok.touches_high_priority
    assert [g.skill.key for g in s.high_priority_gaps] == ["social_commerce"]
    assert "youtube" not in keys and "paid_social" not in keys  # 2 is enough at threshold 2
    assert seed.plans  # three plans seeded


def test_leaders_see_gaps_of_approved_plans_only(alpha):
    seed_capability(alpha)
    keys = [g.skill.key for g in summary_of(alpha, "client_leader").gaps]
    assert keys == ["social_commerce", "short_video", "tiktok"]


def test_the_brands_threshold_decides_what_is_a_gap(alpha):
    seed_capability(alpha)
    set_min_rating(alpha, 3)
    s = summary_of(alpha, "consultant")
    assert s.threshold == 3
    keys = [g.skill.key for g in s.gaps]
    assert "paid_social" in keys and "instagram" not in keys and "content_creation" not in keys
    set_min_rating(alpha, 3, enabled=False)
    assert summary_of(alpha, "consultant").gaps == []


def test_hours_done_against_committed_this_month_and_skills_being_learned(alpha):
    seed_capability(alpha)
    hours = summary_of(alpha).hours
    # 4 h per person × 3 people; the done course counts, the planned partner session and
    # the dropped reading do not.
    assert (hours.done, hours.committed, hours.planned) == (2.0, 12.0, 5.0)
    assert hours.percent == 17
    assert [s.key for s in summary_of(alpha).learning] == ["tiktok"]


def test_no_team_means_an_empty_summary(alpha):
    seed_capability(alpha, team=False)
    s = summary_of(alpha)
    assert s.empty and s.gaps == [] and s.strengths == [] and s.hours is None


def test_other_agency_and_other_brand_stay_out(alpha, bravo):
    seed_capability(bravo, prefix="BRAVO ")
    seed_capability(alpha, brand=alpha.other_brand, prefix="OTHER ")
    assert summary_of(alpha).empty
    seed_capability(alpha)
    s = summary_of(alpha, "consultant")
    names = [c.name for g in s.gaps for c in g.campaigns]
    assert names and not any(n.startswith(("BRAVO", "OTHER")) for n in names)
    assert s.members == 3


@contextmanager
def counting():
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def test_query_count_does_not_grow_with_the_data(alpha, bravo):
    seed_capability(alpha)
    for i in range(3):
        seed_capability(bravo, prefix=f"B{i} ")
    db.session.expire_all()
    summary_of(alpha), summary_of(bravo)  # warm the catalogue seeding check
    db.session.expire_all()
    with counting() as few:
        summary_of(alpha, "consultant")
    db.session.expire_all()
    with counting() as many:
        big = summary_of(bravo, "consultant")
    assert big.members == 9 and len(big.gaps[0].campaigns) == 3
    assert len(few) == len(many), (few, many)
