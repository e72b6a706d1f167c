"""A session's agenda drafts itself from the brand's data and keeps people's edits when it
is drafted again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import (
    ActionItem,
    AgendaItem,
    Brand,
    Finding,
    Goal,
    Plan,
    PlanRevision,
    Review,
    SessionDecision,
    StrategySession,
)
from saas.services.errors import Conflict, Forbidden, ValidationFailed
from saas.services.strategy_sessions import agenda
from tenants.context import tenant_scope
from tests.sessions.conftest import BODY, sessions_path

TODAY = date.today()


@dataclass
class Seeded:
    goal_behind: int
    goal_on_track: int
    plan: int
    review: int
    finding: int
    dismissed: int
    earlier: int
    action: int
    done_action: int
    decision: int


def seed(world) -> Seeded:
    """A brand with something for every tier: a goal behind (and one on track), a submitted
    plan whose review has a standing finding (and a dismissed one), an earlier session with
    a pending decision and an overdue open action item (and a done one)."""
    ag, br = world.agency, world.brand
    with tenant_scope(ag.id):
        behind = Goal(
            agency_id=ag.id,
            brand_id=br.id,
            title="Grow Instagram followers",
            metric="followers",
            baseline=0,
            target=100,
            start_date=TODAY - timedelta(days=300),
            due_date=TODAY + timedelta(days=20),
            priority="high",
        )
        fine = Goal(
            agency_id=ag.id,
            brand_id=br.id,
            title="Calm goal",
            metric="visits",
            baseline=0,
            target=100,
            start_date=TODAY,
            due_date=TODAY + timedelta(days=400),
        )
        plan = Plan(
            agency_id=ag.id,
            brand_id=br.id,
            title="Spring plan",
            period_start=TODAY,
            period_end=TODAY + timedelta(days=90),
            status="in_review",
        )
        db.session.add_all([behind, fine, plan])
        db.session.flush()
        revision = PlanRevision(
            agency_id=ag.id,
            brand_id=br.id,
            plan_id=plan.id,
            number=1,
            title=plan.title,
            period_start=plan.period_start,
            period_end=plan.period_end,
            frozen=True,
        )
        db.session.add(revision)
        db.session.flush()
        review = Review(
            agency_id=ag.id,
            brand_id=br.id,
            plan_id=plan.id,
            revision_id=revision.id,
            status="open",
            engine_verdict="needs_changes",
        )
        db.session.add(review)
        db.session.flush()
        finding = Finding(
            agency_id=ag.id,
            brand_id=br.id,
            review_id=review.id,
            rule="goal_uncovered",
            severity="error",
            goal_id=behind.id,
            params={"goal": behind.title, "priority": "high"},
            state="open",
        )
        dismissed = Finding(
            agency_id=ag.id,
            brand_id=br.id,
            review_id=review.id,
            rule="goal_uncovered",
            severity="warning",
            params={"goal": "Dismissed goal", "priority": "low"},
            state="dismissed",
        )
        earlier = StrategySession(
            agency_id=ag.id,
            brand_id=br.id,
            title="Last quarter's review",
            kind="quarterly_business_review",
            starts_at=datetime(2026, 9, 1, 7, 0),
            duration_minutes=60,
            timezone="Asia/Riyadh",
            status="done",
            uid=f"earlier-{world.agency.id}@tandem.test",
        )
        db.session.add_all([finding, dismissed, earlier])
        db.session.flush()
        action = ActionItem(
            agency_id=ag.id,
            brand_id=br.id,
            session_id=earlier.id,
            title="Send the influencer shortlist",
            owner_id=world.team.user_id,
            due_on=TODAY - timedelta(days=10),
            status="open",
        )
        done = ActionItem(
            agency_id=ag.id,
            brand_id=br.id,
            session_id=earlier.id,
            title="Already done thing",
            status="done",
        )
        decision = SessionDecision(
            agency_id=ag.id,
            brand_id=br.id,
            session_id=earlier.id,
            text="Whether to enter TikTok",
            status="pending",
        )
        db.session.add_all([action, done, decision])
        db.session.commit()
        return Seeded(
            behind.id,
            fine.id,
            plan.id,
            review.id,
            finding.id,
            dismissed.id,
            earlier.id,
            action.id,
            done.id,
            decision.id,
        )


def schedule(api, world, **changes) -> int:
    resp = api(world.tokens["consultant"]).post(
        sessions_path(world.brand), json={**BODY, "duration_minutes": 90, **changes}
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def rows(world, session_id: int, *, removed: bool = True) -> list[AgendaItem]:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        stmt = select(AgendaItem).where(AgendaItem.session_id == session_id)
        if not removed:
            stmt = stmt.where(AgendaItem.removed.is_(False))
        return list(db.session.scalars(stmt.order_by(AgendaItem.position)))


def keyed(items: list[AgendaItem]) -> list[tuple[str | None, int | None]]:
    return [(r.source_kind, r.source_id) for r in items]


def test_a_new_session_drafts_its_agenda_from_the_data_in_order(alpha, api):
    """Does the QBR's agenda raise what was promised, what is late and what the data found?"""
    s = seed(alpha)
    items = rows(alpha, schedule(api, alpha))
    keys = keyed(items)
    assert keys[0][0] == "opening" and keys[-1][0] == "closing"
    # Time the items do not need stays open for discussion, before the closing.
    assert [k for k in keys[1:-1] if k[0] != "discussion"] == [
        ("decision", s.decision),
        ("action_item", s.action),
        ("goal", s.goal_behind),
        ("finding", s.finding),
        ("plan", s.plan),
    ]
    # Nothing on track, done or dismissed is raised.
    assert ("goal", s.goal_on_track) not in keys and ("finding", s.dismissed) not in keys
    assert ("action_item", s.done_action) not in keys
    assert sum(r.minutes for r in items) == 90
    assert all(r.origin == "drafted" and not r.edited for r in items)
    assert items[1].title == "Whether to enter TikTok"


def test_the_drafted_agenda_of_an_empty_brand_is_an_open_discussion(alpha, api):
    items = rows(alpha, schedule(api, alpha))
    assert [r.source_kind for r in items] == ["opening", "discussion", "closing"]
    assert sum(r.minutes for r in items) == 90


def test_a_short_session_leaves_the_lowest_items_out_and_says_how_many(alpha, api):
    s = seed(alpha)
    with tenant_scope(alpha.agency.id):
        db.session.add_all(
            Finding(
                agency_id=alpha.agency.id,
                brand_id=alpha.brand.id,
                review_id=s.review,
                rule="goal_uncovered",
                severity="info",
                params={"goal": f"Minor {i}", "priority": "low"},
                state="open",
            )
            for i in range(12)
        )
        db.session.commit()
    items = rows(alpha, schedule(api, alpha, duration_minutes=30))
    assert sum(r.minutes for r in items) == 30
    overflow = [r for r in items if r.source_kind == "overflow"]
    assert len(overflow) == 1 and overflow[0].source_id > 0
    shown = [r for r in items if r.source_kind in ("decision", "action_item", "goal", "finding")]
    assert shown[0].source_kind == "decision"  # the promised answer comes first
    assert ("finding", s.finding) in keyed(items)  # the error outranks the notes
    assert ("plan", s.plan) not in keyed(items)  # last in the order: left out
    assert len(shown) + overflow[0].source_id == 1 + 1 + 1 + 13 + 1


def _load(world, session_id: int) -> StrategySession:
    with tenant_scope(world.agency.id):
        return db.session.scalar(select(StrategySession).where(StrategySession.id == session_id))


def test_regenerate_keeps_edits_manual_items_and_removals_and_picks_up_new_data(alpha, api):
    s = seed(alpha)
    sid = schedule(api, alpha)
    actor = alpha.consultant
    with tenant_scope(alpha.agency.id):
        session = _load(alpha, sid)
        by_key = {(r.source_kind, r.source_id): r for r in agenda.rows_of(session)}
        agenda.update_item(
            actor, session, by_key[("goal", s.goal_behind)], {"title": "Followers: our words"}
        )
        agenda.remove_item(actor, session, by_key[("plan", s.plan)])
        manual = agenda.add_item(
            actor, session, {"title": "Budget for Ramadan", "minutes": "12", "notes": "Bring Q3"}
        )
        db.session.commit()
        manual_position = manual.position
        edited_position = by_key[("goal", s.goal_behind)].position
        assert agenda.rows_of(session)[-1].source_kind == "closing"
        # New data since the agenda was drafted: another standing finding, and the pending
        # decision was taken.
        review = db.session.scalar(select(Review).where(Review.id == s.review))
        db.session.add(
            Finding(
                agency_id=alpha.agency.id,
                brand_id=alpha.brand.id,
                review_id=review.id,
                rule="goal_uncovered",
                severity="warning",
                params={"goal": "New concern", "priority": "medium"},
                state="open",
            )
        )
        decision = db.session.scalar(
            select(SessionDecision).where(SessionDecision.id == s.decision)
        )
        decision.status = "decided"
        db.session.commit()
        new_finding = db.session.scalar(select(Finding.id).order_by(Finding.id.desc()).limit(1))

        agenda.regenerate(actor, session)
        db.session.commit()

    items = rows(alpha, sid, removed=False)
    keys = keyed(items)
    edited = next(r for r in items if r.source_kind == "goal")
    assert edited.title == "Followers: our words" and edited.edited
    assert ("finding", new_finding) in keys
    assert ("plan", s.plan) not in keys  # removed stays removed
    assert ("decision", s.decision) not in keys  # the data changed: dropped
    mine = next(r for r in items if r.origin == "manual")
    assert (mine.title, mine.notes, mine.minutes) == ("Budget for Ramadan", "Bring Q3", 12)
    assert mine.position == manual_position and edited.position == edited_position
    assert items[-1].source_kind == "closing"
    removed = [r for r in rows(alpha, sid) if r.removed]
    assert keyed(removed) == [("plan", s.plan)]
    assert [r.position for r in items] == list(range(len(items)))


def test_update_validates_and_changes_nothing_on_refusal(alpha, api):
    seed(alpha)
    sid = schedule(api, alpha)
    with tenant_scope(alpha.agency.id):
        session = _load(alpha, sid)
        first = agenda.rows_of(session)[1]
        before = (first.title, first.minutes)
        for data in ({"minutes": 0}, {"minutes": 481}, {"title": ""}, {"title": "x" * 301}):
            with pytest.raises(ValidationFailed) as err:
                agenda.update_item(alpha.consultant, session, first, data)
            assert set(err.value.fields) == set(data)
        db.session.rollback()
    again = rows(alpha, sid)[1]
    assert (again.title, again.minutes) == before and not again.edited


def test_a_client_leader_cannot_change_and_a_cancelled_agenda_is_read_only(alpha, api):
    sid = schedule(api, alpha)
    with tenant_scope(alpha.agency.id):
        session = _load(alpha, sid)
        with pytest.raises(Forbidden):
            agenda.add_item(alpha.leader, session, {"title": "Mine", "minutes": 5})
        session.status = "cancelled"
        with pytest.raises(Conflict):
            agenda.add_item(alpha.consultant, session, {"title": "Late", "minutes": 5})
        db.session.rollback()


def test_move_up_and_down_and_removing_a_manual_item_deletes_it(alpha, api):
    sid = schedule(api, alpha)
    with tenant_scope(alpha.agency.id):
        session = _load(alpha, sid)
        mine = agenda.add_item(alpha.consultant, session, {"title": "Mine", "minutes": 5})
        assert [r.source_kind for r in agenda.rows_of(session)][-2:] == [None, "closing"]
        agenda.move_item(alpha.consultant, session, mine, direction="up")
        assert agenda.rows_of(session)[1].id == mine.id
        agenda.move_item(alpha.consultant, session, mine, position=1)
        assert agenda.rows_of(session)[0].id == mine.id
        agenda.remove_item(alpha.consultant, session, mine)
        db.session.commit()
    assert [r.source_kind for r in rows(alpha, sid)] == ["opening", "discussion", "closing"]


# --- the pages ------------------------------------------------------------------------------


def page(world, session_id: int, tail: str = "") -> str:
    return f"/brands/{world.brand.id}/sessions/{session_id}{tail}"


def test_the_session_page_shows_the_agenda_with_time_boxes_and_links(alpha, api, login_as):
    s = seed(alpha)
    sid = schedule(api, alpha)
    client = login_as(alpha.consultant)
    html = client.get(page(alpha, sid)).get_data(as_text=True)
    assert 'id="agenda"' in html
    assert "Whether to enter TikTok" in html and "Send the influencer shortlist" in html
    assert f'href="/goals/{s.goal_behind}"' in html and f'href="/plans/{s.plan}"' in html
    assert f'href="/reviews/{s.review}"' in html
    # 10:00 in Riyadh is 07:00 on this reader's clock (the brand's: UTC): the opening.
    assert "07:00–07:05" in html and "Coordinated Universal Time" in html
    assert "The items take 90 of the session" in html
    assert "Regenerate" in html and "Action item: overdue" in html


def test_staff_add_edit_move_and_remove_items_through_the_pages(alpha, api, login_as):
    sid = schedule(api, alpha)
    client = login_as(alpha.consultant)
    resp = client.post(
        page(alpha, sid, "/agenda/items/new"), data={"title": "", "minutes": "0", "notes": "Keep"}
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Name the agenda item." in html and "Enter whole minutes from 1 to 480." in html
    assert "Keep" in html  # nothing typed is lost
    resp = client.post(
        page(alpha, sid, "/agenda/items/new"), data={"title": "Ramadan budget", "minutes": "15"}
    )
    assert resp.status_code == 303
    mine = next(r for r in rows(alpha, sid) if r.origin == "manual").id
    html = client.get(page(alpha, sid)).get_data(as_text=True)
    assert "Ramadan budget" in html and "over" in html.lower()

    resp = client.post(page(alpha, sid, f"/agenda/items/{mine}/move"), data={"direction": "up"})
    assert resp.status_code == 303
    assert [r.origin for r in rows(alpha, sid)][1] == "manual"

    resp = client.post(
        page(alpha, sid, f"/agenda/items/{mine}/edit"),
        data={"title": "Ramadan budget, final", "minutes": "8", "notes": ""},
    )
    assert resp.status_code == 303
    assert next(r for r in rows(alpha, sid) if r.id == mine).title == "Ramadan budget, final"

    form = client.get(page(alpha, sid, f"/agenda/items/{mine}/edit"))
    assert form.status_code == 200 and 'value="Ramadan budget, final"' in form.get_data(
        as_text=True
    )
    confirm = client.get(page(alpha, sid, f"/agenda/items/{mine}/remove"))
    assert confirm.status_code == 200 and "Ramadan budget, final" in confirm.get_data(as_text=True)
    assert any(r.id == mine for r in rows(alpha, sid))  # asking changes nothing
    assert client.post(page(alpha, sid, f"/agenda/items/{mine}/remove")).status_code == 303
    assert not any(r.id == mine for r in rows(alpha, sid))

    resp = client.post(page(alpha, sid, "/agenda/regenerate"))
    assert resp.status_code == 303
    assert [r.source_kind for r in rows(alpha, sid)] == ["opening", "discussion", "closing"]


def test_a_client_leader_sees_the_agenda_without_buttons_and_cannot_post(alpha, api, login_as):
    seed(alpha)
    sid = schedule(api, alpha)
    client = login_as(alpha.leader)
    html = client.get(page(alpha, sid)).get_data(as_text=True)
    assert 'id="agenda"' in html and "Whether to enter TikTok" in html
    assert "/agenda/regenerate" not in html and "/agenda/items/new" not in html
    first = rows(alpha, sid)[1].id
    assert client.post(page(alpha, sid, "/agenda/regenerate")).status_code == 403
    assert client.get(page(alpha, sid, f"/agenda/items/{first}/edit")).status_code == 403
    assert client.post(page(alpha, sid, f"/agenda/items/{first}/remove")).status_code == 403
    assert not rows(alpha, sid)[1].removed


def test_another_agencys_agenda_pages_are_404(alpha, bravo, api, login_as):
    client = login_as(bravo.owner)
    sid = schedule(api, alpha)
    item = rows(alpha, sid)[0].id
    base = f"/brands/{alpha.brand.id}/sessions/{sid}"
    assert client.get(f"{base}/agenda/items/{item}/edit").status_code == 404
    assert client.post(f"{base}/agenda/items/{item}/remove").status_code == 404
    assert client.post(f"{base}/agenda/regenerate").status_code == 404
    # Through one of bravo's own sessions, alpha's item is not found either.
    own = schedule(api, bravo)
    resp = client.post(f"/brands/{bravo.brand.id}/sessions/{own}/agenda/items/{item}/remove")
    assert resp.status_code == 404
    assert not rows(alpha, sid)[0].removed


def test_the_agenda_reads_in_arabic(alpha, api, login_as):
    """Does a brand that reads Arabic get its agenda in Arabic, right to left?"""
    seed(alpha)
    sid = schedule(api, alpha)
    with tenant_scope(alpha.agency.id):
        brand = db.session.scalar(select(Brand).where(Brand.id == alpha.brand.id))
        brand.language = "ar"
        db.session.commit()
    client = login_as(alpha.consultant)
    html = client.get(page(alpha, sid)).get_data(as_text=True)
    assert 'dir="rtl"' in html
    assert "جدول الأعمال" in html and "الترحيب وأهداف الجلسة" in html
    assert "بند عمل: متأخر" in html and "إعادة الإعداد" in html
    # The finding is rendered from its rule in Arabic, not the title stored at drafting.
    assert "لا توجد حملة تخدم هدف الشركة" in html
