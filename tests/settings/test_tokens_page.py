"""Settings → API tokens: create (the raw token is shown once), list, revoke after confirming."""

from __future__ import annotations

import re

from sqlalchemy import select

from saas.extensions import db
from saas.models import ApiToken
from tenants.context import tenant_scope


def _raw_tokens(page: str) -> list[str]:
    return re.findall(r"tdm_[A-Za-z0-9_-]{20,}", page)


def test_created_token_is_shown_once_and_works(login_as, api, alpha):
    client = login_as(alpha.team)

    resp = client.post("/settings/tokens", data={"name": "Spreadsheet sync"})

    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    shown = _raw_tokens(page)
    assert len(shown) == 1
    assert "only time it is shown" in page
    assert resp.headers["Cache-Control"] == "no-store"
    assert api(shown[0]).get("/api/v1/me").get_json()["user"]["email"] == "team@alpha.test"

    again = client.get("/settings/tokens").get_data(as_text=True)
    assert _raw_tokens(again) == []
    assert "Spreadsheet sync" in again
    assert shown[0][:8] in again  # the prefix identifies it


def test_token_without_a_name_is_refused(login_as, alpha):
    client = login_as(alpha.owner)

    resp = client.post("/settings/tokens", data={"name": ""})

    assert 'id="name-error"' in resp.get_data(as_text=True)
    assert _raw_tokens(resp.get_data(as_text=True)) == []


def test_list_shows_only_my_tokens(login_as, client, alpha):
    login_as(alpha.leader).post("/settings/tokens", data={"name": "Leader's laptop"})
    client.post("/logout")

    page = login_as(alpha.team).get("/settings/tokens").get_data(as_text=True)

    assert "Leader&#39;s laptop" not in page and "Leader's laptop" not in page


def test_revoke_asks_first_then_revokes(login_as, api, alpha):
    client = login_as(alpha.consultant)
    created = client.post("/settings/tokens", data={"name": "CI"})
    raw = _raw_tokens(created.get_data(as_text=True))[0]
    with tenant_scope(alpha.agency.id):
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "CI"))

    confirm = client.get(f"/settings/tokens/{token_id}/revoke")

    assert confirm.status_code == 200
    assert "Revoke the token" in confirm.get_data(as_text=True)
    assert api(raw).get("/api/v1/me").status_code == 200  # nothing happened yet

    done = client.post(f"/settings/tokens/{token_id}/revoke")

    assert done.status_code == 302
    assert api(raw).get("/api/v1/me").status_code == 401
    assert "CI" not in client.get("/settings/tokens").get_data(as_text=True).split("Your tokens")[1]


def test_revoking_someone_elses_token_is_404(login_as, api, alpha, bravo):
    with tenant_scope(alpha.agency.id):
        leader_token = db.session.scalar(
            select(ApiToken.id).where(ApiToken.user_id == alpha.leader.user_id)
        )
    with tenant_scope(bravo.agency.id):
        bravo_token = db.session.scalar(
            select(ApiToken.id).where(ApiToken.user_id == bravo.owner.user_id)
        )
    client = login_as(alpha.owner)

    for token_id in (leader_token, bravo_token):
        assert client.get(f"/settings/tokens/{token_id}/revoke").status_code == 404
        assert client.post(f"/settings/tokens/{token_id}/revoke").status_code == 404
    assert api(alpha.tokens["leader"]).get("/api/v1/me").status_code == 200
    assert api(bravo.tokens["owner"]).get("/api/v1/me").status_code == 200


def test_a_token_name_with_markup_is_shown_as_text(login_as, alpha):
    client = login_as(alpha.owner)

    page = client.post("/settings/tokens", data={"name": "<b>bold</b>"}).get_data(as_text=True)

    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "Authorization: Bearer" in page
