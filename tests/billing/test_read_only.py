"""A read-only agency (cancelled, a trial that ran out, a failed payment past its grace
period) keeps reading and exporting everything, and every write answers 402 ``read_only``;
the banner says so, and why, in both languages.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from saas.extensions import db
from saas.models import Brand, User
from tenants.context import system_scope, tenant_scope
from tenants.models import utcnow
from tests import factories
from tests.billing.entitlement_helpers import page_text, set_billing


@pytest.fixture
def billing_on(db_app, monkeypatch):
    monkeypatch.setitem(db_app.config, "STRIPE_SECRET_KEY", "sk_test_entitlements")
    return db_app


@pytest.fixture
def cancelled(alpha, billing_on):
    set_billing(alpha.agency, plan="growth", status="canceled", canceled_at=utcnow())
    return alpha


def brand_count(world) -> int:
    with tenant_scope(world.agency.id):
        return db.session.scalar(select(func.count(Brand.id)))


def speaks_arabic(membership) -> None:
    with system_scope():
        db.session.get(User, membership.user_id).locale = "ar"
        db.session.commit()


# --- writes ------------------------------------------------------------------------------


def test_a_cancelled_agencys_api_writes_answer_402_read_only_and_reads_work(cancelled, api):
    owner = api(cancelled.tokens["owner"])
    brand_id = cancelled.brand.id

    for resp in (
        owner.post("/api/v1/brands", json={"name": "New"}),
        owner.patch(f"/api/v1/brands/{brand_id}", json={"industry": "Tea"}),
        owner.delete(f"/api/v1/brands/{brand_id}"),
        owner.post(f"/api/v1/brands/{brand_id}/goals", json={"title": "More reach"}),
    ):
        assert resp.status_code == 402, resp.get_json()
        error = resp.get_json()["error"]
        assert error["code"] == "read_only"
        assert "Your subscription was cancelled" in error["message"]
        assert "you can still read and export it" in error["message"]

    assert owner.get("/api/v1/brands").status_code == 200
    assert owner.get(f"/api/v1/brands/{brand_id}").status_code == 200
    assert brand_count(cancelled) == 2  # nothing deleted
    with tenant_scope(cancelled.agency.id):
        assert db.session.get(Brand, brand_id).archived_at is None


def test_a_role_that_may_not_write_still_gets_403_not_402(cancelled, api):
    resp = api(cancelled.tokens["team"]).post("/api/v1/brands", json={"name": "New"})
    assert resp.status_code == 403


def test_pages_and_csv_exports_still_work_while_forms_answer_402(cancelled, login_as):
    plan = factories.planning_data(cancelled.agency, cancelled.brand, campaigns=2, calendar=3)
    client = login_as(cancelled.owner)

    assert client.get("/brands/").status_code == 200
    assert client.get(f"/brands/{cancelled.brand.id}").status_code == 200
    export = client.get(f"/plans/{plan.id}/export/campaigns.csv")
    assert export.status_code == 200 and "Campaign 0" in export.get_data(as_text=True)

    resp = client.post("/brands/new", data={"name": "Blocked", "timezone": "UTC"})
    assert resp.status_code == 402
    page = page_text(resp)
    assert "Your subscription was cancelled, so your agency is read-only." in page
    assert 'href="/billing"' in page  # the owner's way out
    assert brand_count(cancelled) == 2


def test_a_consultant_is_sent_to_the_owner_not_the_billing_page(cancelled, login_as):
    client = login_as(cancelled.consultant)
    resp = client.post("/brands/new", data={"name": "Blocked", "timezone": "UTC"})
    assert resp.status_code == 402
    page = page_text(resp)
    assert "Ask your agency's owner to choose a plan." in page
    assert 'href="/billing"' not in page


def test_signing_out_the_profile_and_the_billing_page_stay_open(cancelled, login_as):
    client = login_as(cancelled.owner)
    profile = client.post("/settings/profile", data={"name": "Renamed Owner", "locale": "en"})
    assert profile.status_code == 302
    db.session.expire_all()
    with system_scope():
        assert db.session.get(User, cancelled.owner.user_id).name == "Renamed Owner"
    assert client.get("/billing").status_code == 200
    assert client.post("/logout").status_code in (302, 303)


def test_a_trial_that_ran_out_blocks_writes(alpha, billing_on, api):
    set_billing(alpha.agency, status="trialing", trial_ends_at=utcnow() - timedelta(minutes=1))
    resp = api(alpha.tokens["owner"]).post("/api/v1/brands", json={"name": "New"})
    assert resp.status_code == 402
    assert "Your free trial has ended" in resp.get_json()["error"]["message"]


def test_past_due_works_through_the_grace_period_then_blocks(alpha, billing_on, api):
    owner = api(alpha.tokens["owner"])
    set_billing(alpha.agency, status="past_due", past_due_since=utcnow() - timedelta(days=6))
    assert owner.post("/api/v1/brands", json={"name": "Still fine"}).status_code == 201

    set_billing(alpha.agency, past_due_since=utcnow() - timedelta(days=8))
    resp = owner.post("/api/v1/brands", json={"name": "Too late"})
    assert resp.status_code == 402
    assert "the grace period has ended" in resp.get_json()["error"]["message"]


def test_self_hosted_is_never_read_only(alpha, api, db_app):
    set_billing(alpha.agency, status="canceled")  # a row left from when billing was on
    assert api(alpha.tokens["owner"]).post("/api/v1/brands", json={"name": "x"}).status_code == 201


# --- the banner ----------------------------------------------------------------------------


def test_the_banner_warns_of_a_failed_payment_with_the_grace_end(alpha, billing_on, login_as):
    set_billing(alpha.agency, status="past_due", past_due_since=utcnow() - timedelta(days=2))
    page = page_text(login_as(alpha.owner).get("/brands/"))
    assert "Payment failed" in page
    assert "Everything keeps working until" in page
    assert "Update your payment method on the billing page" in page


def test_the_banner_speaks_arabic(alpha, billing_on, login_as):
    speaks_arabic(alpha.owner)
    set_billing(alpha.agency, status="past_due", past_due_since=utcnow() - timedelta(days=2))
    client = login_as(alpha.owner)
    page = page_text(client.get("/brands/"))
    assert "تعذّر الدفع" in page and "وبعدها تصبح وكالتك للقراءة فقط" in page

    set_billing(alpha.agency, status="canceled")
    page = page_text(client.get("/brands/"))
    assert "أُلغي الاشتراك، لذا أصبحت وكالتك للقراءة فقط." in page
    assert "اختر باقة من صفحة الفوترة" in page


def test_the_read_only_banner_says_why_and_links_owners_to_billing(cancelled, login_as):
    owner_page = page_text(login_as(cancelled.owner).get("/brands/"))
    assert "Your subscription was cancelled, so your agency is read-only." in owner_page
    assert "All your data is kept" in owner_page
    assert 'href="/billing"' in owner_page


def test_the_read_only_banner_tells_others_to_ask_the_owner(cancelled, login_as):
    page = page_text(login_as(cancelled.leader).get(f"/brands/{cancelled.brand.id}"))
    assert "Your subscription was cancelled" in page
    assert "Ask your agency's owner to choose a plan." in page
    assert 'href="/billing"' not in page


def test_the_banner_announces_a_trials_last_days_only(alpha, billing_on, login_as):
    set_billing(alpha.agency, status="trialing", trial_ends_at=utcnow() + timedelta(days=10))
    client = login_as(alpha.owner)
    assert "Your free trial ends on" not in page_text(client.get("/brands/"))
    set_billing(alpha.agency, trial_ends_at=utcnow() + timedelta(days=2))
    assert "Your free trial ends on" in page_text(client.get("/brands/"))


def test_no_banner_when_active_or_self_hosted(alpha, db_app, login_as, monkeypatch):
    set_billing(alpha.agency, status="active", plan="growth")
    client = login_as(alpha.owner)
    assert "billing-banner" not in page_text(client.get("/brands/"))  # self-hosted
    monkeypatch.setitem(db_app.config, "STRIPE_SECRET_KEY", "sk_test_entitlements")
    assert "billing-banner" not in page_text(client.get("/brands/"))  # active


def test_every_exempt_write_names_a_real_endpoint(db_app):
    """A renamed view must not silently fall out of (or into) the exemptions."""
    from saas.services.entitlements.guard import EXEMPT_BLUEPRINTS, EXEMPT_ENDPOINTS

    endpoints = set(db_app.view_functions)
    assert sorted(EXEMPT_ENDPOINTS - endpoints) == []
    blueprints = {name.split(".", 1)[0] for name in endpoints if "." in name}
    assert sorted(EXEMPT_BLUEPRINTS - blueprints - {"static"}) == []
    assert any(name.startswith("api.billing") for name in endpoints)  # the API's billing
