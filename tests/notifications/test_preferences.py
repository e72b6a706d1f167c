"""Can each person turn each product email off, and only that one, and never security mail?"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from saas.extensions import db
from saas.models import NotificationPreference, OutboxMessage, Plan
from saas.services import mail, reminders
from tenants.context import system_scope, tenant_scope
from tenants.models import utcnow
from tests.mailbox import inbox
from tests.notifications.conftest import (
    delivered,
    draft_plan,
    set_locale,
    submit,
    turn_off,
    wants,
)

KINDS = ("plan_submitted", "review_reminder", "review_completed", "report_ready")
CHECKBOX = re.compile(r"<input ([^>]*)>")


def checked(page: str) -> list[str]:
    """The kinds whose checkbox is ticked, in page order."""
    out = []
    for attrs in CHECKBOX.findall(page):
        if 'name="enabled"' in attrs and "checked" in attrs:
            out.append(re.search(r'value="([^"]+)"', attrs).group(1))
    return out


def test_the_product_kinds_are_listed_in_one_place_with_their_labels():
    assert tuple(mail.PRODUCT_MAIL) == KINDS
    for required in ("password_reset", "magic_link", "sign_in_alert", "invitation", "welcome"):
        assert not mail.is_product_mail(required)


def test_settings_page_shows_every_kind_on_by_default(alpha, login_as):
    client = login_as(alpha.consultant)

    page = client.get("/settings/notifications").get_data(as_text=True)

    assert checked(page) == list(KINDS)
    assert "Plans submitted for your review" in page
    assert "cannot be turned off" in page
    assert 'href="/settings/notifications" aria-current="page"' in page


def test_unticking_a_kind_in_settings_turns_off_that_kind_only(alpha, login_as):
    client = login_as(alpha.consultant)
    keep = [k for k in KINDS if k != "plan_submitted"]

    resp = client.post("/settings/notifications", data={"enabled": keep})

    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Your notification settings were saved." in page
    assert checked(page) == keep
    uid = alpha.consultant.user_id
    assert not wants(uid, "plan_submitted")
    assert all(wants(uid, k) for k in keep)
    assert wants(alpha.owner.user_id, "plan_submitted")  # nobody else's choice changed


def test_a_kind_turned_off_is_not_sent_and_other_kinds_still_are(alpha, run_jobs):
    turn_off(alpha.consultant.user_id, "plan_submitted")

    plan_id = draft_plan(alpha)
    submit(alpha, plan_id)
    # Four days later the same consultant is reminded: that kind is still on.
    with tenant_scope(alpha.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.id == plan_id))
        plan.submitted_at = utcnow() - timedelta(days=4)
        db.session.commit()
    assert reminders.send_due_reminders() == 1
    run_jobs()

    subjects = [m.subject for m in inbox("consultant@alpha.test")]
    assert subjects == ["Waiting for your review: Ramadan launch (Alpha Brand One)"]
    with tenant_scope(alpha.agency.id):
        kinds = db.session.scalars(select(OutboxMessage.kind)).all()
    assert kinds == ["review_reminder"]  # the skipped email left no row either


def test_a_reminder_turned_off_is_skipped_and_not_counted(alpha, run_jobs):
    turn_off(alpha.consultant.user_id, "review_reminder")
    plan_id = draft_plan(alpha)
    submit(alpha, plan_id)
    with tenant_scope(alpha.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.id == plan_id))
        plan.submitted_at = utcnow() - timedelta(days=4)
        db.session.commit()

    assert reminders.send_due_reminders() == 0
    run_jobs()

    assert [m.subject for m in inbox("consultant@alpha.test")] == [
        "Ready for your review: Ramadan launch (Alpha Brand One)"
    ]


def test_a_kind_that_is_not_a_product_notification_is_refused(alpha, login_as):
    client = login_as(alpha.consultant)

    resp = client.post("/settings/notifications", data={"enabled": ["password_reset"]})

    assert resp.status_code == 200
    assert "Choose notifications from the list." in resp.get_data(as_text=True)
    with system_scope():
        assert db.session.scalars(select(NotificationPreference)).all() == []


def test_security_mail_and_invitations_ignore_a_row_that_says_off(alpha, client):
    owner = alpha.owner.user_id
    for kind in ("password_reset", "sign_in_alert", "invitation", "welcome"):
        turn_off(owner, kind)

    client.post("/password/forgot", data={"email": "owner@alpha.test"})
    with tenant_scope(alpha.agency.id):
        mail.queue_email(
            to="owner@alpha.test",
            template="invitation",
            kind="invitation",
            inviter_name="Someone",
            agency_name="Alpha Agency",
            role="consultant",
            all_brands=True,
            brand_names=[],
            accept_url="http://tandem.test/invitations/x",
            expires_at=utcnow() + timedelta(days=7),
        )
        db.session.commit()

    subjects = [m.subject for m in inbox("owner@alpha.test", wait_for=2)]
    assert len(subjects) == 2
    assert any("password" in s.lower() for s in subjects)
    for message in delivered("owner@alpha.test"):
        assert message["List-Unsubscribe"] is None


def test_the_settings_page_speaks_arabic(alpha, login_as):
    set_locale(alpha.consultant, "ar")
    client = login_as(alpha.consultant)

    page = client.get("/settings/notifications").get_data(as_text=True)

    assert "الإشعارات" in page and "الخطط المقدَّمة لمراجعتك" in page
    assert "حفظ الإشعارات" in page and 'dir="rtl"' in page


def test_signed_out_visitors_are_sent_to_sign_in(client):
    resp = client.get("/settings/notifications")

    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
