"""Helpers for the session pages: the form as a browser sends it, sessions made through the
service (as the API makes them), and users' time settings."""

from __future__ import annotations

import pytest

from saas.extensions import db
from saas.models import User
from tenants.context import system_scope
from tests.sessions.conftest import BODY, sessions_path

FORM = {
    "title": "Q1 business review",
    "kind": "quarterly_business_review",
    "date": "2027-03-11",
    "time": "10:00",
    "timezone": "Asia/Riyadh",
    "duration_minutes": "60",
    "location": "https://meet.example/qbr",
    "guests": "",
    "repeat": "",
    "count": "4",
}


def new_path(brand) -> str:
    return f"/brands/{brand.id}/sessions/new"


def page_path(brand, session_id: int, tail: str = "") -> str:
    return f"/brands/{brand.id}/sessions/{session_id}{tail}"


@pytest.fixture
def schedule(api):
    """``schedule(world, role="consultant", brand=None, **body)`` -> the new session's JSON,
    made through the API (the same service the pages call)."""

    def make(world, role: str = "consultant", brand=None, **changes):
        resp = api(world.tokens[role]).post(
            sessions_path(brand or world.brand), json={**BODY, **changes}
        )
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    return make


@pytest.fixture
def set_user():
    """``set_user(membership, timezone=..., locale=...)``: a person's own settings."""

    def change(membership, **values):
        with system_scope():
            user = db.session.get(User, membership.user_id)
            for key, value in values.items():
                setattr(user, key, value)
            db.session.commit()

    return change
