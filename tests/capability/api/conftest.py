"""Helpers for the capability API tests: a JSON caller, row counts, a brand's team."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from saas.extensions import db
from saas.models.capability import Assessment, LearningBudget, LearningItem, Skill, TeamMember
from tenants.context import tenant_scope

V1 = "/api/v1"


@pytest.fixture
def call(client):
    """``call(token, "POST", "/skills", json=...)``: the API with a bearer token."""

    def _call(token: str, method: str, path: str, json=None, lang: str | None = None):
        headers = {"Authorization": f"Bearer {token}"}
        if lang:
            headers["Accept-Language"] = lang
        return client.open(V1 + path, method=method, json=json, headers=headers)

    return _call


def counts(world) -> dict[str, int]:
    """Rows of every capability table in the world's agency: what a refusal must not change."""
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Skill, TeamMember, Assessment, LearningBudget, LearningItem)
        }


def field_error(resp, field: str, status: int = 422, code: str = "validation_failed") -> str:
    """The message of the error ``resp`` carries on ``field`` (asserting status and code)."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    error = resp.get_json()["error"]
    assert error["code"] == code, error
    assert field in error["fields"], error
    return error["fields"][field]


def envelope(resp) -> list[dict]:
    """The ``data`` of a list answer, after checking the API's usual page envelope."""
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert set(body) == {"data", "meta"}, body
    assert set(body["meta"]) == {"page", "per_page", "total", "next_page"}, body["meta"]
    assert body["meta"]["total"] >= len(body["data"])
    return body["data"]


@dataclass
class Team:
    """Alpha brand One's client team: the team user's own member and a name-only one."""

    own_id: int  # linked to alpha.team's user
    other_id: int  # "Sara Haddad", no Tandem login
    elsewhere_id: int  # a member of Alpha's other brand


@pytest.fixture
def team(alpha, call) -> Team:
    owner = alpha.tokens["owner"]
    own = call(
        owner,
        "POST",
        f"/brands/{alpha.brand.id}/team",
        json={"name": "Alpha Team", "user_id": alpha.team.user_id},
    )
    assert own.status_code == 201, own.get_json()
    other = call(owner, "POST", f"/brands/{alpha.brand.id}/team", json={"name": "Sara Haddad"})
    assert other.status_code == 201, other.get_json()
    elsewhere = call(
        owner, "POST", f"/brands/{alpha.other_brand.id}/team", json={"name": "Omar Two"}
    )
    assert elsewhere.status_code == 201, elsewhere.get_json()
    return Team(own.get_json()["id"], other.get_json()["id"], elsewhere.get_json()["id"])
