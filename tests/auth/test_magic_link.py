"""Client users sign in from an emailed link; staff never get one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from saas.extensions import db
from saas.models import OneTimeToken
from tenants.context import tenant_scope
from tenants.models import utcnow
from tests.auth.helpers import (
    MAGIC_LINK,
    RESET_LINK,
    audit_actions,
    delivered_link,
    outbox,
    tokens_of,
)
from tests.mailbox import last_to

SAME_ANSWER = "If an account exists for"


def _ask_for_link(client, run_jobs, email: str) -> str:
    resp = client.post("/login/link", data={"email": email})
    assert resp.status_code == 200
    assert SAME_ANSWER in resp.get_data(as_text=True)
    run_jobs()
    return delivered_link(email, MAGIC_LINK)


def test_client_leader_signs_in_with_an_emailed_link(client, alpha, run_jobs):
    agency_id = alpha.agency.id
    leader = alpha.leader.user
    leader_id = leader.id
    path = _ask_for_link(client, run_jobs, "leader@alpha.test")
    [email] = outbox(kind="magic_link")
    assert email.subject == "Your sign-in link for Alpha Agency on Tandem"
    assert email.agency_id == agency_id
    assert email.body_text == ""  # the link is the leader's alone: no copy is kept
    assert "expires in 30 minutes" in last_to("leader@alpha.test", "sign-in link").text

    # Opening the link (as a mail scanner would) changes nothing: it asks to confirm.
    page = client.get(path)
    assert page.status_code == 200
    assert "Alpha Leader" in page.get_data(as_text=True)
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    assert [t.used_at for t in tokens_of(leader_id, "magic_link")] == [None]

    with client.session_transaction() as sess:
        sess["planted"] = "before"
    resp = client.post(path)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
    with client.session_transaction() as sess:
        assert "planted" not in sess  # a brand-new session
        assert sess["_user_id"].startswith(f"{leader.id}:{leader.session_version}:")
        assert sess["agency_id"] == agency_id
    assert audit_actions(agency_id)[-1] == "auth.login"


def test_client_team_member_gets_a_link_too(client, alpha, run_jobs):
    _ask_for_link(client, run_jobs, "team@alpha.test")


def test_staff_and_strangers_get_the_same_answer_but_no_link(client, alpha, run_jobs):
    owner_id = alpha.owner.user_id
    for email in ("owner@alpha.test", "consultant@alpha.test", "nobody@alpha.test"):
        resp = client.post("/login/link", data={"email": email})
        assert resp.status_code == 200
        assert SAME_ANSWER in resp.get_data(as_text=True)
    run_jobs()
    assert outbox(kind="magic_link") == []
    assert tokens_of(owner_id, "magic_link") == []


def test_blank_link_request_shows_the_error_on_the_login_page(client):
    resp = client.post("/login/link", data={"email": ""})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert 'id="link-email-error">Enter a valid email address.' in page


def test_magic_link_works_only_once(db_app, client, alpha, run_jobs):
    path = _ask_for_link(client, run_jobs, "leader@alpha.test")
    assert client.post(path).status_code == 302
    other = db_app.test_client()
    resp = other.post(path)
    assert resp.status_code == 410
    assert "This link has expired or was already used." in resp.get_data(as_text=True)
    assert other.get(path).status_code == 410
    with other.session_transaction() as sess:
        assert "_user_id" not in sess


def test_expired_magic_link_is_gone(client, alpha, run_jobs):
    path = _ask_for_link(client, run_jobs, "leader@alpha.test")
    db.session.execute(update(OneTimeToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(path).status_code == 410
    resp = client.post(path)
    assert resp.status_code == 410
    assert "Ask for a new sign-in link" in resp.get_data(as_text=True)
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


def test_a_reset_link_is_not_a_sign_in_link(client, alpha, run_jobs):
    client.post("/password/forgot", data={"email": "leader@alpha.test"})
    run_jobs()
    token = delivered_link("leader@alpha.test", RESET_LINK).rsplit("/", 1)[1]
    assert client.post(f"/login/link/{token}").status_code == 410


def test_client_removed_from_the_agency_cannot_use_an_old_link(client, alpha, run_jobs):
    path = _ask_for_link(client, run_jobs, "leader@alpha.test")
    with tenant_scope(alpha.agency.id):
        db.session.delete(alpha.leader)
        db.session.commit()
    resp = client.post(path)
    assert resp.status_code == 403
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
