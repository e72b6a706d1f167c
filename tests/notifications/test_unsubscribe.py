"""Does the one-click unsubscribe link work without signing in, for its owner only?

Product email carries the link in its footer and in the ``List-Unsubscribe`` headers (RFC
8058); security mail has neither, and still arrives after unsubscribing from everything.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage, Plan
from saas.services import mail, reminders
from tenants.context import tenant_scope
from tenants.models import utcnow
from tests.mailbox import inbox
from tests.notifications.conftest import (
    delivered,
    draft_plan,
    html_of,
    raw_delivered,
    set_locale,
    submit,
    text_of,
    unsubscribe_path,
    wants,
)


@pytest.fixture
def submitted(alpha):
    """The consultant's delivered "plan submitted" email."""
    submit(alpha, draft_plan(alpha))
    [message] = delivered("consultant@alpha.test")
    return message


def test_product_mail_carries_the_list_unsubscribe_headers_and_the_footer_link(submitted):
    path = unsubscribe_path(submitted)
    url = f"http://tandem.test{path}"

    assert submitted["List-Unsubscribe"] == f"<{url}>"
    assert submitted["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # One line, as RFC 2369 clients parse it (not folded into RFC 2047 encoded words).
    [raw] = raw_delivered("consultant@alpha.test")
    assert f"\nList-Unsubscribe: <{url}>\n".encode() in raw.replace(b"\r\n", b"\n")
    assert f'href="{url}"' in html_of(submitted)
    assert "Turn these emails off" in html_of(submitted)
    assert "“Plans submitted for your review” is on" in text_of(submitted)
    assert "http://tandem.test/settings/notifications\n" in text_of(submitted)


def test_the_outbox_keeps_no_working_link(alpha, submitted):
    """The owner reads product mail in the outbox: they must not be able to use the link."""
    path = unsubscribe_path(submitted)
    with tenant_scope(alpha.agency.id):
        row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "plan_submitted"))
    token = path.rsplit("/", 1)[1]
    assert token not in row.body_text and token not in (row.body_html or "")
    assert f"/unsubscribe/{mail.UNSUBSCRIBE_PLACEHOLDER}" in row.body_text


def test_security_mail_has_no_unsubscribe_header_or_link(alpha, client):
    client.post("/password/forgot", data={"email": "owner@alpha.test"})

    [message] = delivered("owner@alpha.test")
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None
    assert "unsubscribe" not in text_of(message).lower()
    assert "unsubscribe" not in html_of(message).lower()
    assert "Turn these emails off" not in html_of(message)


def test_opening_the_link_signed_out_asks_first_and_changes_nothing(alpha, client, submitted):
    path = unsubscribe_path(submitted)

    resp = client.get(path)

    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Stop these emails?" in page and "consultant@alpha.test" in page
    assert "Plans submitted for your review" in page
    assert f'action="{path}"' in page and 'method="post"' in page
    assert resp.headers["Cache-Control"] == "no-store"
    assert wants(alpha.consultant.user_id, "plan_submitted")


def test_the_button_turns_the_kind_off_signed_out(alpha, client, submitted):
    path = unsubscribe_path(submitted)

    resp = client.post(path, data={"List-Unsubscribe": "One-Click"})

    assert resp.status_code == 200
    assert "You are unsubscribed" in resp.get_data(as_text=True)
    uid = alpha.consultant.user_id
    assert not wants(uid, "plan_submitted")
    assert all(wants(uid, k) for k in mail.PRODUCT_MAIL if k != "plan_submitted")
    # The next submission is not sent to them.
    submit(alpha, draft_plan(alpha, title="Eid plan"))
    assert len(delivered("consultant@alpha.test")) == 1


def test_one_click_works_with_csrf_protection_on(alpha, db_app, submitted):
    """A mail client's RFC 8058 POST carries no CSRF token and no cookie."""
    path = unsubscribe_path(submitted)
    db_app.config["WTF_CSRF_ENABLED"] = True
    try:
        resp = db_app.test_client().post(
            path,
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
    finally:
        db_app.config["WTF_CSRF_ENABLED"] = False

    assert resp.status_code == 200
    assert not wants(alpha.consultant.user_id, "plan_submitted")


def _forged(payload, key: str | None = None, salt: str = mail.UNSUBSCRIBE_SALT) -> str:
    """Signed with the app's key (or ``key``): what only the app should be able to make."""
    return URLSafeSerializer(key or current_app.config["SECRET_KEY"], salt=salt).dumps(payload)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_tampered_or_forged_link_is_refused(alpha, client, submitted, method):
    token = unsubscribe_path(submitted).rsplit("/", 1)[1]
    owner = alpha.owner.user_id
    payload, signature = token.rsplit(".", 1)
    bad = [
        f"{payload}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",  # altered
        f"{_forged([owner, 'plan_submitted'], key='guess')}",  # another key
        f"{_forged([owner, 'plan_submitted'], salt='other')}",  # another purpose
        f"{_forged([owner, 'password_reset'])}",  # security mail cannot be turned off
        f"{_forged([999999, 'plan_submitted'])}",  # nobody
        f"{_forged({'u': owner})}",  # not the shape of a token
        "not-a-token",
        mail.UNSUBSCRIBE_PLACEHOLDER,
    ]
    for token in bad:
        resp = client.open(f"/settings/notifications/unsubscribe/{token}", method=method)
        assert resp.status_code == 404, token
        assert "owner@alpha.test" not in resp.get_data(as_text=True)
    assert all(wants(owner, k) for k in mail.PRODUCT_MAIL)
    assert wants(alpha.consultant.user_id, "plan_submitted")


def test_a_link_turns_off_only_its_own_persons_kind(alpha, client, submitted):
    client.post(unsubscribe_path(submitted))

    assert not wants(alpha.consultant.user_id, "plan_submitted")
    assert wants(alpha.owner.user_id, "plan_submitted")
    assert wants(alpha.team.user_id, "plan_submitted")


def test_security_mail_still_arrives_after_unsubscribing_from_everything(alpha, client):
    uid = alpha.consultant.user_id
    for kind in mail.PRODUCT_MAIL:
        token = mail.unsubscribe_token(uid, kind)
        assert client.post(f"/settings/notifications/unsubscribe/{token}").status_code == 200
    assert not any(wants(uid, k) for k in mail.PRODUCT_MAIL)

    submit(alpha, draft_plan(alpha))
    client.post("/password/forgot", data={"email": "consultant@alpha.test"})

    [message] = inbox("consultant@alpha.test", wait_for=1)
    assert "password" in message.subject.lower()
    assert "/password/reset/" in message.text


def test_the_page_speaks_the_recipients_language(alpha, client):
    set_locale(alpha.consultant, "ar")
    submit(alpha, draft_plan(alpha))
    path = unsubscribe_path(delivered("consultant@alpha.test")[0])

    asked = client.get(path).get_data(as_text=True)
    done = client.post(path).get_data(as_text=True)

    assert 'dir="rtl"' in asked and "إيقاف هذه الرسائل؟" in asked
    assert "الخطط المقدَّمة لمراجعتك" in asked
    assert "أوقفنا هذه الرسائل" in done


def test_the_readers_own_language_choice_wins(alpha, client, submitted):
    set_locale(alpha.consultant, "ar")
    client.set_cookie("lang", "en")

    page = client.get(unsubscribe_path(submitted)).get_data(as_text=True)

    assert 'dir="ltr"' in page and "Stop these emails?" in page


def test_every_product_kind_carries_the_headers(alpha, run_jobs):
    """Reminders, completed reviews and ready reports get the link too, without their
    callers doing anything: ``queue_email`` knows the kinds."""
    plan_id = draft_plan(alpha)
    submit(alpha, plan_id)
    with tenant_scope(alpha.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.id == plan_id))
        plan.submitted_at = utcnow() - timedelta(days=4)
        db.session.commit()
    reminders.send_due_reminders()
    with tenant_scope(alpha.agency.id):
        mail.queue_email(
            to="leader@alpha.test",
            template="report_ready",
            kind="report_ready",
            name="Alpha Leader",
            brand_name="Alpha Brand One",
            period_start="2027-01-01",
            period_end="2027-03-31",
            pages=12,
            url="http://tandem.test/reports/1",
        )
        db.session.commit()
    run_jobs()

    reminder = delivered("consultant@alpha.test")[-1]
    report = delivered("leader@alpha.test")[-1]
    assert reminder["Subject"].startswith("Waiting for your review")
    for message, kind in ((reminder, "review_reminder"), (report, "report_ready")):
        token = unsubscribe_path(message).rsplit("/", 1)[1]
        assert mail.read_unsubscribe_token(token)[1] == kind
        assert message["List-Unsubscribe"] == f"<http://tandem.test{unsubscribe_path(message)}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
