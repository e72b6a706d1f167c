"""The owner's audit log and email outbox: readable by the owner, never across agencies."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import AuditEvent, OutboxMessage
from saas.services import audit
from saas.services.mail import queue_email
from tenants.context import tenant_scope


def _record(agency, action, label, n=1):
    with tenant_scope(agency.id):
        for i in range(n):
            audit.record(action, label=f"{label} {i}", agency_id=agency.id)
        db.session.commit()


def _queue(world, marker):
    """Queue an email through the real mail service, as the agency's services do."""
    with tenant_scope(world.agency.id):
        message = queue_email(
            to=f"someone@{marker.lower()}.example",
            template="invitation",
            kind="invitation",
            locale="en",
            inviter_name=f"{marker} Owner",
            agency_name=f"{marker} Agency",
            role="consultant",
            all_brands=True,
            brand_names=[],
            accept_url=f"http://tandem.test/invitations/{marker}-link",
            expires_at=datetime(2030, 1, 2, 3, 4),
        )
        db.session.commit()
        return message.id


def test_owner_sees_audit_events_newest_first_in_words(login_as, alpha):
    client = login_as(alpha.owner)
    client.post("/settings/tokens", data={"name": "First token"})
    client.post("/settings/tokens", data={"name": "Second token"})

    page = client.get("/settings/audit").get_data(as_text=True)

    assert "Created an API token" in page
    assert page.index("Second token") < page.index("First token")
    assert "owner@alpha.test" in page
    assert "127.0.0.1" in page


def test_audit_filter_by_action(login_as, alpha):
    _record(alpha.agency, "brand.archived", "Archived thing")
    _record(alpha.agency, "brand.created", "Created thing")
    client = login_as(alpha.owner)

    page = client.get("/settings/audit?action=brand.archived").get_data(as_text=True)

    assert "Archived thing" in page
    assert "Created thing" not in page


def test_audit_log_is_paginated(login_as, alpha):
    _record(alpha.agency, "brand.updated", "Edit", n=55)
    client = login_as(alpha.owner)

    first = client.get("/settings/audit").get_data(as_text=True)
    second = client.get("/settings/audit?page=2").get_data(as_text=True)

    assert "Edit 54" in first and "Edit 0" not in first
    assert "Edit 0" in second and "Edit 54" not in second
    assert "Page 1 of 2" in first


@pytest.mark.parametrize("role", ["consultant", "leader", "team"])
def test_audit_and_outbox_are_403_for_everyone_but_the_owner(login_as, alpha, role):
    message_id = _queue(alpha, "Alpha")
    client = login_as(getattr(alpha, role))

    assert client.get("/settings/audit").status_code == 403
    assert client.get("/settings/outbox").status_code == 403
    assert client.get(f"/settings/outbox/{message_id}").status_code == 403


def test_bravo_owner_sees_none_of_alphas_audit_rows(login_as, alpha, bravo):
    _record(alpha.agency, "brand.archived", "AlphaSecretBrand")
    _record(bravo.agency, "brand.archived", "BravoOwnBrand")
    client = login_as(bravo.owner)

    page = client.get("/settings/audit").get_data(as_text=True)
    filtered = client.get("/settings/audit?action=brand.archived").get_data(as_text=True)

    assert "BravoOwnBrand" in page
    assert "AlphaSecretBrand" not in page and "AlphaSecretBrand" not in filtered
    assert "alpha.test" not in page


def test_outbox_lists_a_queued_message_and_shows_its_text(login_as, alpha, run_jobs):
    client = login_as(alpha.owner)  # before run_jobs(), which expires the fixtures
    message_id = _queue(alpha, "Alpha")
    run_jobs()

    page = client.get("/settings/outbox").get_data(as_text=True)

    assert "someone@alpha.example" in page
    with tenant_scope(alpha.agency.id):
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))
    assert message.subject in page or message.subject.replace("'", "&#39;") in page
    assert f"/settings/outbox/{message_id}" in page
    assert 'class="badge badge-ok">Sent<' in page  # delivered to the log transport

    detail = client.get(f"/settings/outbox/{message_id}")
    assert detail.status_code == 200
    assert "http://tandem.test/invitations/Alpha-link" in detail.get_data(as_text=True)


def test_bravo_owner_cannot_list_or_open_alphas_messages(login_as, alpha, bravo, run_jobs):
    client = login_as(bravo.owner)  # before run_jobs(), which expires the fixtures
    alpha_message = _queue(alpha, "Alpha")
    bravo_message = _queue(bravo, "Bravo")
    run_jobs()

    page = client.get("/settings/outbox").get_data(as_text=True)

    assert "someone@bravo.example" in page
    assert "someone@alpha.example" not in page
    assert client.get(f"/settings/outbox/{alpha_message}").status_code == 404
    assert client.get(f"/settings/outbox/{bravo_message}").status_code == 200


def test_bravo_owner_sees_no_alpha_audit_event_by_any_route(login_as, alpha, bravo):
    _record(alpha.agency, "token.created", "AlphaOnly")
    with tenant_scope(alpha.agency.id):
        event_id = db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.object_label == "AlphaOnly 0")
        )
    client = login_as(bravo.owner)

    for page_no in (1, 2):
        assert "AlphaOnly" not in client.get(f"/settings/audit?page={page_no}").get_data(
            as_text=True
        )
    assert event_id is not None
