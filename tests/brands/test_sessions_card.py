"""The brand overview's "Leadership sessions" card: the next session on my clock and the
open action items, where a client leader lands."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC
from zoneinfo import ZoneInfo

from babel.dates import format_time
from sqlalchemy import event

from saas.extensions import db
from saas.models.accounts import User
from saas.models.sessions import StrategySession
from tenants.context import tenant_scope
from tenants.models import utcnow
from tests.reports.test_sessions_section import seed_sessions


def _card(page: str) -> str:
    match = re.search(r'<section class="card sessions-card".*?</section>', page, re.S)
    assert match, "no sessions card on the overview"
    return match.group(0)


def _page(client, world) -> str:
    resp = client.get(f"/brands/{world.brand.id}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_leader_sees_next_session_on_the_brand_clock_and_open_items(alpha, bravo, client, login_as):
    seed_sessions(bravo, now=utcnow(), prefix="BRAVO ")
    seeded = seed_sessions(alpha, now=utcnow())
    with tenant_scope(alpha.agency.id):
        next_id = db.session.query(StrategySession.id).filter_by(title=seeded.next_title).scalar()
    login_as(alpha.leader)
    page = _page(client, alpha)
    card = _card(page)
    assert "Leadership sessions" in card
    assert f'href="/brands/{alpha.brand.id}/sessions/{next_id}"' in card
    assert "Q3 business review" in card
    # The leader has no zone of her own: the brand's (Riyadh, 10:00), with the zone named.
    assert "10:00–11:00, Riyadh" in card
    assert "3 open action items" in card and "1 overdue" in card
    endpoint = (
        "sessions.action_items"
        if "sessions.action_items" in client.application.view_functions
        else "sessions.index"
    )
    expected = (
        f"/brands/{alpha.brand.id}/action-items"
        if endpoint == "sessions.action_items"
        else f"/brands/{alpha.brand.id}/sessions"
    )
    assert f'<a href="{expected}">3 open action items</a>' in card
    assert "BRAVO" not in page
    assert "Schedule a session" not in card  # a client leader cannot schedule
    # Where she lands: decisions, the latest report and the sessions before the details.
    order = [
        page.index(m)
        for m in ('id="decisions"', 'id="reports"', 'id="sessions"', 'id="details-title"')
    ]
    assert order == sorted(order)


def test_next_session_is_shown_on_the_viewers_own_clock(alpha, client, login_as):
    seeded = seed_sessions(alpha, now=utcnow())
    user = db.session.get(User, alpha.consultant.user_id)
    user.timezone = "America/New_York"
    db.session.commit()
    login_as(alpha.consultant)
    card = _card(_page(client, alpha))
    start = seeded.next_starts_at.replace(tzinfo=UTC).astimezone(ZoneInfo("America/New_York"))
    assert f"{format_time(start, 'HH:mm', locale='en')}–" in card
    assert "New York" in card and "Riyadh" not in card


def test_arabic_card_names_the_zone_in_arabic(alpha, client, login_as):
    seed_sessions(alpha, now=utcnow())
    user = db.session.get(User, alpha.leader.user_id)
    user.locale = "ar"
    db.session.commit()
    login_as(alpha.leader)
    card = _card(_page(client, alpha))
    assert "الجلسات الاستراتيجية" in card and "الرياض" in card
    assert "<bdi>Q3 business review</bdi>" in card


def test_empty_card_teaches_and_offers_scheduling_to_staff_only(alpha, client, login_as):
    login_as(alpha.consultant)
    card = _card(_page(client, alpha))
    assert 'class="empty-state"' in card
    assert "Schedule a session" in card
    assert f'href="/brands/{alpha.brand.id}/sessions' in card
    client.post("/logout")
    login_as(alpha.leader)
    card = _card(_page(client, alpha))
    assert "In a strategy session the client's leaders and the agency agree" in card
    assert "Schedule a session" not in card


def test_sessions_of_another_brand_never_appear(alpha, client, login_as):
    seed_sessions(alpha, brand=alpha.other_brand, now=utcnow(), prefix="OTHER ")
    login_as(alpha.owner)
    page = _page(client, alpha)
    assert "OTHER" not in page
    assert 'class="empty-state"' in _card(page)


@contextmanager
def session_queries():
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        if "strategy_sessions" in statement or "action_items" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def test_card_queries_do_not_grow_with_sessions_and_items(alpha, client, login_as):
    seed_sessions(alpha, now=utcnow())
    login_as(alpha.owner)
    with session_queries() as few:
        _page(client, alpha)
    for _ in range(4):
        seed_sessions(alpha, now=utcnow())
    with session_queries() as many:
        card = _card(_page(client, alpha))
    assert "15 open action items" in card and "5 overdue" in card
    # One statement: the item counts outer-joined to the next session (and the review).
    assert len(few) == len(many) == 1, many
