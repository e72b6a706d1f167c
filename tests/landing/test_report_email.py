"""Does the "report ready" email take a client leader to a page she can open?

Its link is the sign-in page with ``next=/reports/<id>`` and holds no token: signed in, it
goes straight on to the report; signed out, the sign-in link she asks for there brings her
back to it.  (The same journey in a real browser: tests/browser/test_report_email_journey.py.)
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage
from saas.models.reports import Report
from saas.services import reports as report_service
from tenants.context import tenant_scope
from tests.auth.helpers import delivered_link
from tests.factories import PASSWORD
from tests.landing.helpers import MAGIC_LINK
from tests.mailbox import last_to

REPORT_LINK = re.compile(r"http://tandem\.test(/login\?next=/reports/(\d+))")


def request_for_leader(world, run_jobs) -> tuple[int, str]:
    """The consultant requests a report for the brand's leader; returns (report id, email)."""
    with tenant_scope(world.agency.id):
        consultant = db.session.merge(world.consultant)
        leader = db.session.merge(world.leader)
        brand = db.session.merge(world.brand)
        leader_email = leader.user.email
        report, _created = report_service.request_report(
            brand,
            consultant,
            locale="en",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
            sections=["summary", "goals"],
            recipient_ids=[leader.id],
        )
        report_id = report.id
    run_jobs(timeout=120)
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        assert db.session.get(Report, report_id).status == "ready"
    return report_id, leader_email


def test_report_email_links_through_sign_in_with_next_and_no_token(alpha, run_jobs):
    report_id, email = request_for_leader(alpha, run_jobs)
    delivered = last_to(email, "report")
    found = REPORT_LINK.search(delivered.text)
    assert found and int(found.group(2)) == report_id
    assert found.group(0) in delivered.html
    assert "/login/link/" not in delivered.text and "/r/" not in delivered.text
    with tenant_scope(alpha.agency.id):
        stored = db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.to_email == email, OutboxMessage.kind == "report_ready"
            )
        ).one()
    assert found.group(0) in stored.body_text  # nothing secret: the owner may read it


def test_signed_out_leader_follows_the_email_to_the_report(alpha, client, run_jobs):
    report_id, email = request_for_leader(alpha, run_jobs)
    path = REPORT_LINK.search(last_to(email, "report").text).group(1)

    login = client.get(path)
    assert login.status_code == 200
    assert f'name="next" value="/reports/{report_id}"' in login.get_data(as_text=True)

    client.post("/login/link", data={"email": email, "next": f"/reports/{report_id}"})
    run_jobs()
    signed_in = client.post(delivered_link(email, MAGIC_LINK))
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == f"/reports/{report_id}"
    report = client.get(signed_in.headers["Location"])
    assert report.status_code == 200
    assert "Download the PDF" in report.get_data(as_text=True)


def test_a_signed_in_reader_goes_straight_to_the_report(alpha, client, run_jobs):
    report_id, email = request_for_leader(alpha, run_jobs)
    path = REPORT_LINK.search(last_to(email, "report").text).group(1)
    client.post("/login", data={"email": email, "password": PASSWORD})
    resp = client.get(path)
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"/reports/{report_id}"
