"""Plan limits, enforced on the server for the pages and the API alike.

Over a limit, a person is told which limit, what is in use and how to get more (the billing
page for owners, the owner for everyone else); the API answers 402 ``plan_limit``.  A
downgrade below the usage blocks new items and deletes nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from saas.extensions import db
from saas.models import Brand, Invitation
from tenants.context import tenant_scope
from tests import factories
from tests.billing.entitlement_helpers import page_text, set_billing


@pytest.fixture
def starter(alpha, db_app, monkeypatch):
    """Alpha pays for Starter (3 brands, 3 staff seats) and has 2 brands, 2 staff."""
    monkeypatch.setitem(db_app.config, "STRIPE_SECRET_KEY", "sk_test_entitlements")
    set_billing(alpha.agency, plan="starter", interval="month", status="active")
    return alpha


def brand_count(world, *, archived: bool | None = None) -> int:
    stmt = select(func.count(Brand.id))
    if archived is not None:
        stmt = stmt.where(
            Brand.archived_at.isnot(None) if archived else Brand.archived_at.is_(None)
        )
    with tenant_scope(world.agency.id):
        return db.session.scalar(stmt)


def staff_invitations(world) -> list[str]:
    with tenant_scope(world.agency.id):
        return list(
            db.session.scalars(
                select(Invitation.email).where(Invitation.role.in_(["owner", "consultant"]))
            )
        )


# --- brands ----------------------------------------------------------------------------------


def test_the_form_says_which_limit_was_reached_and_keeps_the_input(starter, login_as):
    client = login_as(starter.owner)
    ok = client.post("/brands/new", data={"name": "Third Brand", "timezone": "UTC"})
    assert ok.status_code == 303  # 3 of 3

    resp = client.post(
        "/brands/new", data={"name": "Fourth Brand", "industry": "Tea", "timezone": "UTC"}
    )
    page = page_text(resp)
    assert "Your Starter plan includes up to 3 client brands" in page
    assert "In use now: 3." in page
    assert "Change your plan on the billing page." in page
    assert 'value="Fourth Brand"' in page and 'value="Tea"' in page  # nothing typed is lost
    assert brand_count(starter) == 3


def test_the_api_answers_402_plan_limit_naming_the_limit(starter, api):
    factories.brand(starter.agency, name="Third")
    db.session.commit()

    resp = api(starter.tokens["owner"]).post("/api/v1/brands", json={"name": "Fourth"})

    assert resp.status_code == 402
    error = resp.get_json()["error"]
    assert error["code"] == "plan_limit"
    assert "up to 3 client brands" in error["message"]
    assert "billing page" in error["message"]
    assert error["fields"] == {}
    assert (error["limit"], error["allowed"], error["used"]) == ("brands", 3, 3)
    assert brand_count(starter) == 3


def test_a_consultant_is_told_to_ask_the_owner(starter, api):
    factories.brand(starter.agency, name="Third")
    db.session.commit()
    resp = api(starter.tokens["consultant"]).post("/api/v1/brands", json={"name": "Fourth"})
    assert resp.status_code == 402
    message = resp.get_json()["error"]["message"]
    assert "Ask your agency's owner to change the plan." in message
    assert "billing page" not in message


def test_archived_brands_do_not_count_but_restoring_one_does(starter, api):
    owner = api(starter.tokens["owner"])
    third = factories.brand(starter.agency, name="Third")
    db.session.commit()
    assert owner.post("/api/v1/brands", json={"name": "Fourth"}).status_code == 402

    assert owner.delete(f"/api/v1/brands/{third.id}").status_code in (200, 204)  # archive
    created = owner.post("/api/v1/brands", json={"name": "Fourth"})
    assert created.status_code == 201

    restore = owner.post(f"/api/v1/brands/{third.id}/restore")
    assert restore.status_code == 402
    assert restore.get_json()["error"]["code"] == "plan_limit"
    assert brand_count(starter, archived=True) == 1  # still archived, nothing lost


def test_a_downgrade_below_usage_blocks_new_items_and_deletes_nothing(starter, api):
    set_billing(starter.agency, plan="growth")
    owner = api(starter.tokens["owner"])
    for name in ("Three", "Four", "Five"):
        assert owner.post("/api/v1/brands", json={"name": name}).status_code == 201

    set_billing(starter.agency, plan="starter")  # the owner downgraded in Stripe's portal

    assert len(owner.get("/api/v1/brands").get_json()["data"]) == 5  # all still there
    resp = owner.post("/api/v1/brands", json={"name": "Six"})
    assert resp.status_code == 402
    assert "In use now: 5." in resp.get_json()["error"]["message"]
    assert brand_count(starter) == 5
    # Editing what exists is no new item: it still works.
    brand_id = starter.brand.id
    assert owner.patch(f"/api/v1/brands/{brand_id}", json={"industry": "Tea"}).status_code == 200


def test_upgrading_raises_the_limit(starter, api):
    factories.brand(starter.agency, name="Third")
    db.session.commit()
    owner = api(starter.tokens["owner"])
    assert owner.post("/api/v1/brands", json={"name": "Fourth"}).status_code == 402
    set_billing(starter.agency, plan="growth")
    assert owner.post("/api/v1/brands", json={"name": "Fourth"}).status_code == 201


def test_self_hosted_without_a_plan_has_no_limits(alpha, api, db_app):
    owner = api(alpha.tokens["owner"])
    for n in range(5):
        assert owner.post("/api/v1/brands", json={"name": f"Brand {n}"}).status_code == 201


def test_self_hosted_with_a_plan_enforces_it_and_names_the_administrator(
    alpha, api, db_app, monkeypatch
):
    monkeypatch.setitem(db_app.config, "SELF_HOSTED_PLAN", "starter")
    owner = api(alpha.tokens["owner"])
    assert owner.post("/api/v1/brands", json={"name": "Third"}).status_code == 201
    resp = owner.post("/api/v1/brands", json={"name": "Fourth"})
    assert resp.status_code == 402
    assert "set by its administrator" in resp.get_json()["error"]["message"]


# --- staff seats -------------------------------------------------------------------------------


def test_pending_staff_invitations_take_seats_and_client_users_are_free(starter, login_as):
    client = login_as(starter.owner)
    first = client.post("/members/invite", data={"email": "c3@alpha.test", "role": "consultant"})
    assert first.status_code == 201  # owner + consultant + this pending one: 3 of 3

    second = client.post("/members/invite", data={"email": "c4@alpha.test", "role": "consultant"})
    assert second.status_code == 402
    page = page_text(second)
    assert "up to 3 staff seats" in page and "client users are free" in page
    assert 'value="c4@alpha.test"' in page  # the form keeps the address

    leader = client.post(
        "/members/invite",
        data={
            "email": "boss@client.test",
            "role": "client_leader",
            "brand_ids": [starter.brand.id],
        },
    )
    assert leader.status_code == 201
    assert staff_invitations(starter) == ["c3@alpha.test"]


def test_reinviting_the_same_person_does_not_take_a_second_seat(starter, api):
    owner = api(starter.tokens["owner"])
    body = {"email": "c3@alpha.test", "role": "consultant"}
    assert owner.post("/api/v1/invitations", json=body).status_code == 201
    again = owner.post("/api/v1/invitations", json=body)
    assert again.status_code == 201  # the old invitation is revoked, the seat is reused


def test_the_api_refuses_a_staff_invitation_over_the_seats(starter, api):
    factories.member(starter.agency, "consultant")
    db.session.commit()
    resp = api(starter.tokens["owner"]).post(
        "/api/v1/invitations", json={"email": "c4@alpha.test", "role": "consultant"}
    )
    assert resp.status_code == 402
    assert resp.get_json()["error"]["code"] == "plan_limit"
    assert resp.get_json()["error"]["limit"] == "staff_seats"
    assert staff_invitations(starter) == []


def test_making_a_client_user_a_consultant_needs_a_seat(starter, login_as):
    factories.member(starter.agency, "consultant")
    db.session.commit()
    client = login_as(starter.owner)
    resp = client.post(
        f"/members/{starter.team.id}/edit",
        data={"role": "consultant", "brand_ids": [starter.brand.id]},
    )
    assert "up to 3 staff seats" in page_text(resp)
    db.session.expire_all()
    with tenant_scope(starter.agency.id):
        assert db.session.get(type(starter.team), starter.team.id).role == "client_team"


# --- reports, schedules and sessions ----------------------------------------------------------


@pytest.fixture
def small_plan(starter, db_app, monkeypatch):
    """Starter with small monthly limits, so a test reaches them in a few rows."""
    limits = {**db_app.config["PLAN_LIMITS"]}
    limits["starter"] = {
        **limits["starter"],
        "reports_per_month": 2,
        "scheduled_reports": 1,
        "sessions_per_month": 3,
    }
    monkeypatch.setitem(db_app.config, "PLAN_LIMITS", limits)
    return starter


REPORT = {"locale": "en", "period_start": "2027-01-01", "period_end": "2027-03-31"}


def test_reports_per_month_count_scheduled_ones_and_refuse_the_next(small_plan, api):
    from datetime import date

    from tests.billing.entitlement_helpers import add_report

    add_report(small_plan)
    scheduled = add_report(small_plan, status="queued")
    from saas.services.reports import normalise_sections

    with tenant_scope(small_plan.agency.id):
        scheduled.period_start, scheduled.period_end = date(2027, 1, 1), date(2027, 3, 31)
        scheduled.sections = normalise_sections(None)
        db.session.commit()
    consultant = api(small_plan.tokens["consultant"])
    path = f"/api/v1/brands/{small_plan.brand.id}/reports"

    resp = consultant.post(path, json={**REPORT, "period_end": "2027-02-28"})
    assert resp.status_code == 402
    error = resp.get_json()["error"]
    assert error["code"] == "plan_limit" and error["limit"] == "reports_per_month"
    assert "up to 2 reports a month" in error["message"]

    # Asking again for the identical report still pending is no new report.
    again = consultant.post(path, json=REPORT)
    assert again.status_code in (200, 201, 202), again.get_json()
    assert again.get_json()["id"] == scheduled.id


def test_a_schedule_over_the_limit_is_refused_on_the_form(small_plan, login_as):
    from tests.billing.entitlement_helpers import add_schedule

    add_schedule(small_plan)
    client = login_as(small_plan.owner)
    resp = client.post(
        f"/brands/{small_plan.brand.id}/report-schedules",
        data={
            "frequency": "monthly",
            "locale": "en",
            "sections": ["summary", "matrix"],
            "recipient_ids": [str(small_plan.leader.id)],
        },
    )
    page = page_text(resp)
    assert "up to 1 active report schedules" in page
    assert "Change your plan on the billing page." in page


def test_every_occurrence_of_a_series_counts_against_sessions_per_month(small_plan, api):
    body = {
        "title": "Weekly check-in",
        "kind": "quarterly_business_review",
        "starts_at": "2027-03-11T10:00",
        "timezone": "Asia/Riyadh",
        "duration_minutes": 30,
    }
    owner = api(small_plan.tokens["owner"])
    path = f"/api/v1/brands/{small_plan.brand.id}/sessions"

    too_many = owner.post(path, json={**body, "recurrence": {"every": "week", "count": 4}})
    assert too_many.status_code == 402
    error = too_many.get_json()["error"]
    assert error["limit"] == "sessions_per_month"
    assert "up to 3 strategy sessions a month" in error["message"]

    fits = owner.post(path, json={**body, "recurrence": {"every": "week", "count": 3}})
    assert fits.status_code == 201
    one_more = owner.post(path, json={**body, "starts_at": "2027-04-20T10:00"})
    assert one_more.status_code == 402


def test_the_openapi_document_lists_402_for_every_write(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    post_brands = doc["paths"]["/brands"]["post"]["responses"]
    assert "402" in post_brands
    assert "402" not in doc["paths"]["/brands"]["get"]["responses"]
