"""Helpers for the strategy sessions tests: a session body, paths, rows read back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import AuditEvent, SessionAttendee, StrategySession
from tenants.context import tenant_scope

# 2027: the US moves its clocks forward on 14 March and back on 7 November.
BODY = {
    "title": "Q1 business review",
    "kind": "quarterly_business_review",
    "starts_at": "2027-03-11T10:00",
    "timezone": "Asia/Riyadh",
    "duration_minutes": 60,
    "location": "https://meet.example/qbr",
}


def sessions_path(brand) -> str:
    return f"/api/v1/brands/{brand.id}/sessions"


@pytest.fixture
def stored():
    """``stored(world)`` -> (sessions, attendees) rows of the world's agency."""

    def read(world):
        db.session.expire_all()
        with tenant_scope(world.agency.id):
            sessions = list(
                db.session.scalars(select(StrategySession).order_by(StrategySession.id))
            )
            people = list(db.session.scalars(select(SessionAttendee).order_by(SessionAttendee.id)))
            return sessions, people

    return read


@pytest.fixture
def audit_actions():
    def actions(world) -> list[str]:
        with tenant_scope(world.agency.id):
            return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))

    return actions
