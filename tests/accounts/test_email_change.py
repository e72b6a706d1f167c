"""Changing one's email: a link to the new address, the change when it is opened, a
notice to the old one."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from saas.extensions import db
from saas.models import OneTimeToken, User
from tenants.models import utcnow
from tests.accounts.helpers import text
from tests.auth.helpers import audit_actions, delivered_link, outbox
from tests.factories import PASSWORD
from tests.mailbox import last_to

CONFIRM = re.compile(r"http://tandem\.test(/email/confirm/[A-Za-z0-9_-]+)")


def _ask(client, run_jobs, new: str = "new-owner@alpha.test") -> str:
    resp = client.post("/settings/email", data={"email": new, "password": PASSWORD})
    assert resp.status_code == 303
    run_jobs()
    return delivered_link(new, CONFIRM)


def test_email_changes_only_when_the_link_is_opened(client, alpha, login_as, run_jobs):
    user_id, agency_id = alpha.owner.user_id, alpha.agency.id
    login_as(alpha.owner)
    path = _ask(client, run_jobs)
    [queued] = outbox(kind="email_change")
    assert queued.to_email == "new-owner@alpha.test"
    assert queued.body_text == ""  # the link is the person's alone
    db.session.expire_all()
    assert db.session.get(User, user_id).email == "owner@alpha.test"
    assert "waiting for confirmation" in text(client.get("/settings/profile"))

    page = client.get(path)  # a mail scanner opening it changes nothing
    assert page.status_code == 200
    assert "new-owner@alpha.test" in text(page)
    db.session.expire_all()
    assert db.session.get(User, user_id).email == "owner@alpha.test"

    done = client.post(path)
    assert done.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user.email == "new-owner@alpha.test" and user.pending_email is None
    notice = last_to("owner@alpha.test", "was changed")
    assert "new-owner@alpha.test" in notice.text
    assert "/email/confirm/" not in notice.text
    assert client.post(path).status_code == 410  # used up
    client.post("/logout")
    ok = client.post("/login", data={"email": "new-owner@alpha.test", "password": PASSWORD})
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    actions = audit_actions(agency_id)
    assert "account.email_change_requested" in actions and "account.email_changed" in actions


def test_email_change_link_expires(client, alpha, login_as, run_jobs):
    user_id = alpha.owner.user_id
    login_as(alpha.owner)
    path = _ask(client, run_jobs)
    db.session.execute(update(OneTimeToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert client.get(path).status_code == 410
    assert client.post(path).status_code == 410
    db.session.expire_all()
    assert db.session.get(User, user_id).email == "owner@alpha.test"


def test_email_change_needs_the_password_and_a_free_address(client, alpha, login_as):
    login_as(alpha.owner)
    wrong = client.post(
        "/settings/email", data={"email": "x@alpha.test", "password": "not it at all"}
    )
    assert wrong.status_code == 422
    assert "That password is not right." in text(wrong)
    taken = client.post(
        "/settings/email", data={"email": "consultant@alpha.test", "password": PASSWORD}
    )
    assert taken.status_code == 409
    assert "Another account uses this address." in text(taken)
    assert outbox(kind="email_change") == []


def test_email_change_email_in_arabic(client, alpha, login_as, run_jobs):
    from saas.services.accounts import set_locale

    user = alpha.consultant.user
    set_locale(user, "ar")
    db.session.commit()
    login_as(alpha.consultant)
    client.post("/settings/email", data={"email": "c2@alpha.test", "password": PASSWORD})
    run_jobs()
    message = last_to("c2@alpha.test")
    assert "/email/confirm/" in message.text
    assert "بريدك الإلكتروني الجديد" in message.subject
