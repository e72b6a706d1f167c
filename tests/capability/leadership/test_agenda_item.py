"""A session's agenda raises a capability gap when it puts a high-priority goal at risk."""

from __future__ import annotations

from sqlalchemy import select

from saas.extensions import db
from saas.models import Finding, Plan, PlanRevision, Review
from saas.models.capability import Assessment, Skill
from tenants.context import tenant_scope
from tests.capability.leadership.seed import HIGH_GOAL, seed_capability
from tests.sessions.test_agenda import rows, schedule


def agenda_path(session_id: int) -> str:
    return f"/api/v1/sessions/{session_id}/agenda"


def skill_id(world, key: str) -> int:
    with tenant_scope(world.agency.id):
        return db.session.scalar(select(Skill.id).where(Skill.key == key))


def test_gap_touching_a_high_priority_goal_is_drafted_once_with_the_goal(alpha, api):
    seeded = seed_capability(alpha)
    items = rows(alpha, schedule(api, alpha))
    gaps = [r for r in items if r.source_kind == "capability"]
    # Social commerce (App orders → the high goal) only: TikTok and short video serve a
    # medium goal, Snapchat a low one.
    assert [(r.source_id, r.title) for r in gaps] == [
        (
            skill_id(alpha, "social_commerce"),
            f"Capability gap: Social commerce puts \u2068{HIGH_GOAL}\u2069 at risk",
        )
    ]
    assert gaps[0].origin == "drafted" and gaps[0].minutes >= 3
    assert sum(r.minutes for r in items) == 90
    body = api(alpha.tokens["leader"]).get(agenda_path(gaps[0].session_id)).get_json()
    item = next(i for i in body["items"] if i["kind"] == "capability")
    assert item["label"] == "Capability gap"
    assert item["source"]["url"] == f"/goals/{seeded.goals['high']}"


def test_no_agenda_item_when_no_gap_touches_a_high_priority_goal(alpha, api):
    seed_capability(alpha, high_goal_priority="medium")
    items = rows(alpha, schedule(api, alpha))
    assert not [r for r in items if r.source_kind == "capability"]


def test_no_agenda_item_without_a_team(alpha, api):
    seed_capability(alpha, team=False)
    items = rows(alpha, schedule(api, alpha))
    assert not [r for r in items if r.source_kind == "capability"]


def test_the_gaps_finding_is_not_raised_twice_but_others_stay(alpha, api):
    seed_capability(alpha)
    with tenant_scope(alpha.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.title == "Running plan"))
        rev = db.session.scalar(select(PlanRevision).where(PlanRevision.plan_id == plan.id))
        review = Review(
            agency_id=alpha.agency.id,
            brand_id=alpha.brand.id,
            plan_id=plan.id,
            revision_id=rev.id,
            status="open",
            engine_verdict="needs_changes",
        )
        db.session.add(review)
        db.session.flush()
        same, other = (
            Finding(
                agency_id=alpha.agency.id,
                brand_id=alpha.brand.id,
                review_id=review.id,
                rule="capability_gap",
                severity="warning",
                params={"campaign": name, "skill": key, "rating": 0, "threshold": 2},
                state="open",
            )
            for name, key in (("App orders", "social_commerce"), ("TikTok teaser", "tiktok"))
        )
        db.session.add_all([same, other])
        db.session.commit()
        same_id, other_id = same.id, other.id
    keys = {(r.source_kind, r.source_id) for r in rows(alpha, schedule(api, alpha))}
    assert ("capability", skill_id(alpha, "social_commerce")) in keys
    assert ("finding", same_id) not in keys and ("finding", other_id) in keys


def test_regenerating_after_the_team_improves_drops_the_item(alpha, api):
    seeded = seed_capability(alpha)
    sid = schedule(api, alpha)
    assert any(r.source_kind == "capability" for r in rows(alpha, sid))
    with tenant_scope(alpha.agency.id):
        db.session.add(
            Assessment(
                agency_id=alpha.agency.id,
                brand_id=alpha.brand.id,
                member_id=seeded.members["Huda"],
                skill_key="social_commerce",
                rating=3,
                source="consultant",
            )
        )
        db.session.commit()
    resp = api(alpha.tokens["consultant"]).post(f"{agenda_path(sid)}/regenerate")
    assert resp.status_code == 200, resp.get_json()
    assert not any(r.source_kind == "capability" for r in rows(alpha, sid))


def test_the_drafting_rule_puts_gaps_after_goals_and_before_findings_at_most_three():
    from saas.domain.sessions import agenda as rules

    candidates = [
        rules.Candidate(rules.OPEN_FINDING, 1, "Finding"),
        *[rules.Candidate(rules.CAPABILITY_GAP, 10 + i, f"Gap {i}", float(i)) for i in range(4)],
        rules.Candidate(rules.GOAL_AT_RISK, 2, "Goal"),
    ]
    drafted = rules.draft(candidates, 90)
    body = [(i.kind, i.source_id) for i in drafted.items if i.kind in rules.SOURCE_KINDS]
    assert body == [
        ("goal", 2),
        ("capability", 13),  # the widest gap (biggest weight) first
        ("capability", 12),
        ("capability", 11),
        ("finding", 1),
    ]
    assert drafted.left_out == 1
