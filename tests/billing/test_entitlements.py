"""The plan catalogue, an agency's effective billing state and its usage.

What an agency may do depends on its plan, its status and the clock: a trial that ran out
or a failed payment beyond the grace period makes it read-only; self-hosted installs have
no billing at all.  These tests read the state the way the billing page and the API do.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from saas.config import load_config
from saas.extensions import db
from saas.models import Brand, Invitation
from saas.services.entitlements import (
    PLANS,
    billing_enabled,
    current,
    plan_for_price,
    price_for,
)
from saas.services.entitlements.usage import month_bounds
from tenants.context import tenant_scope
from tenants.models import utcnow
from tests import factories
from tests.billing.entitlement_helpers import (
    add_report,
    add_schedule,
    add_session,
    billing_row,
    set_billing,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def billing_on(db_app, monkeypatch):
    monkeypatch.setitem(db_app.config, "STRIPE_SECRET_KEY", "sk_test_entitlements")
    return db_app


# --- the catalogue --------------------------------------------------------------------------


def test_settings_read_prices_trial_grace_and_self_hosted_plan_from_the_environment(tmp_path):
    env = {
        "STRIPE_PRICE_GROWTH_MONTHLY": "price_growth_m",
        "STRIPE_PRICE_SCALE_YEARLY": "price_scale_y",
        "SECRET_KEY": "x",
    }
    config = load_config(tmp_path, env)
    assert config["STRIPE_PRICE_GROWTH_MONTHLY"] == "price_growth_m"
    assert config["STRIPE_PRICE_SCALE_YEARLY"] == "price_scale_y"
    assert config["STRIPE_PRICE_STARTER_MONTHLY"] is None
    assert config["TRIAL_DAYS"] == 14
    assert config["BILLING_GRACE_DAYS"] == 7
    assert config["SELF_HOSTED_PLAN"] == "unlimited"
    assert not billing_enabled(config)
    changed = load_config(
        tmp_path,
        {**env, "TRIAL_DAYS": "30", "BILLING_GRACE_DAYS": "3", "SELF_HOSTED_PLAN": "Growth"},
    )
    assert (changed["TRIAL_DAYS"], changed["BILLING_GRACE_DAYS"]) == (30, 3)
    assert changed["SELF_HOSTED_PLAN"] == "growth"
    assert billing_enabled({"STRIPE_SECRET_KEY": "sk_test_1"})


def test_every_plan_has_both_intervals_and_growing_limits(db_app):
    assert list(PLANS) == ["starter", "growth", "scale"]
    starter, growth, scale = PLANS["starter"], PLANS["growth"], PLANS["scale"]
    assert set(starter.prices) == {"month", "year"}
    assert starter.limits.brands < growth.limits.brands <= scale.limits.brands
    assert starter.limits.staff_seats < growth.limits.staff_seats
    assert scale.limits.reports_per_month is None  # unlimited
    assert str(growth.label) == "Growth"


def test_a_price_id_names_its_plan_and_interval(db_app, monkeypatch):
    monkeypatch.setitem(db_app.config, "STRIPE_PRICE_GROWTH_MONTHLY", "price_g_m")
    monkeypatch.setitem(db_app.config, "STRIPE_PRICE_GROWTH_YEARLY", "price_g_y")
    assert price_for("growth", "month") == "price_g_m"
    assert price_for("growth", "year") == "price_g_y"
    assert price_for("starter", "month") is None  # not configured
    assert price_for("platinum", "month") is None
    assert plan_for_price("price_g_y") == ("growth", "year")
    assert plan_for_price("price_unknown") is None
    assert plan_for_price(None) is None


# --- the state -------------------------------------------------------------------------------


def test_a_new_agency_starts_a_fourteen_day_trial_without_a_card(client, billing_on):
    resp = client.post(
        "/signup",
        data={
            "agency_name": "Dune Studio",
            "name": "Dana",
            "email": "dana@dune.test",
            "password": factories.PASSWORD,
        },
    )
    assert resp.status_code in (302, 303)
    from saas.models import Agency
    from tenants.context import system_scope

    with system_scope():
        agency = db.session.scalar(db.select(Agency).where(Agency.name == "Dune Studio"))
    row = billing_row(agency)
    assert row is not None and row.status == "trialing" and row.plan == "starter"
    assert abs(row.trial_ends_at - (utcnow() + timedelta(days=14))) < timedelta(minutes=1)
    state = current(agency.id)
    assert state.status == "trialing" and not state.read_only


def test_an_agency_without_a_row_is_on_a_trial_counted_from_its_creation(alpha, billing_on):
    created = alpha.agency.created_at
    state = current(alpha.agency.id, now=created + timedelta(days=13))
    assert state.status == "trialing"
    assert state.trial_ends_at == created + timedelta(days=14)
    assert not state.read_only
    later = current(alpha.agency.id, now=created + timedelta(days=14, seconds=1))
    assert later.status == "read_only" and later.read_only and later.reason == "trial_ended"


def test_a_trial_that_ended_without_a_subscription_is_read_only(alpha, billing_on):
    set_billing(alpha.agency, status="trialing", trial_ends_at=utcnow() - timedelta(hours=1))
    state = current(alpha.agency.id)
    assert (state.status, state.read_only) == ("read_only", True)


def test_past_due_keeps_working_through_the_grace_period_then_turns_read_only(alpha, billing_on):
    since = utcnow() - timedelta(days=2)
    set_billing(alpha.agency, plan="growth", status="past_due", past_due_since=since)
    state = current(alpha.agency.id)
    assert state.status == "past_due" and not state.read_only
    assert state.grace_ends_at == since + timedelta(days=7)
    after = current(alpha.agency.id, now=since + timedelta(days=7, minutes=1))
    assert after.status == "read_only" and after.reason == "grace_ended"


def test_the_grace_period_is_configurable(alpha, billing_on, monkeypatch):
    monkeypatch.setitem(billing_on.config, "BILLING_GRACE_DAYS", 1)
    set_billing(alpha.agency, status="past_due", past_due_since=utcnow() - timedelta(days=2))
    assert current(alpha.agency.id).read_only


@pytest.mark.parametrize("status", ["canceled", "unpaid"])
def test_a_cancelled_or_unpaid_agency_is_read_only_and_keeps_its_status(alpha, billing_on, status):
    set_billing(alpha.agency, plan="growth", status=status, canceled_at=utcnow())
    state = current(alpha.agency.id)
    assert state.status == status and state.read_only


def test_an_active_agency_has_its_plans_limits(alpha, billing_on):
    end = datetime(2027, 1, 3, 12, 0)
    set_billing(
        alpha.agency, plan="growth", interval="year", status="active", current_period_end=end
    )
    state = current(alpha.agency.id)
    assert (state.plan, state.interval, state.status) == ("growth", "year", "active")
    assert state.limits == PLANS["growth"].limits
    assert state.current_period_end == end and not state.read_only and not state.self_hosted


def test_self_hosted_has_no_billing_and_no_limits_by_default(alpha, db_app):
    set_billing(alpha.agency, status="canceled")  # a leftover row changes nothing
    state = current(alpha.agency.id)
    assert state.self_hosted and state.plan == "unlimited" and state.status == "active"
    assert not state.read_only
    assert state.limits.brands is None and state.limits.staff_seats is None


def test_self_hosted_plan_applies_a_catalogue_plans_limits(alpha, db_app, monkeypatch):
    monkeypatch.setitem(db_app.config, "SELF_HOSTED_PLAN", "growth")
    state = current(alpha.agency.id)
    assert state.self_hosted and state.plan == "growth"
    assert state.limits == PLANS["growth"].limits


# --- usage -----------------------------------------------------------------------------------


def test_usage_counts_live_brands_staff_and_pending_staff_invitations(alpha, bravo, billing_on):
    factories.brand(alpha.agency, name="Old", archived_at=utcnow())  # archived: free
    now = utcnow()
    with tenant_scope(alpha.agency.id):
        for email, role, extra in [
            ("pending@x.test", "consultant", {}),
            ("owner2@x.test", "owner", {}),
            ("client@x.test", "client_team", {}),  # client users are free
            ("gone@x.test", "consultant", {"revoked_at": now}),
            ("late@x.test", "consultant", {"expires_at": now - timedelta(days=1)}),
            ("joined@x.test", "consultant", {"accepted_at": now}),
        ]:
            values = {"expires_at": now + timedelta(days=7), **extra}
            db.session.add(
                Invitation(
                    agency_id=alpha.agency.id,
                    email=email,
                    role=role,
                    token_hash=email.ljust(64, "0")[:64],
                    **values,
                )
            )
        db.session.commit()
    usage = current(alpha.agency.id).usage
    assert usage.brands == 2  # the world's two; the archived one does not count
    assert usage.staff_seats == 4  # owner + consultant + two pending staff invitations
    assert current(bravo.agency.id).usage.staff_seats == 2  # another agency's are its own


def test_a_consultant_limited_to_some_brands_still_counts_every_brand(alpha, billing_on):
    from saas.services.entitlements import usage as usage_module

    with tenant_scope(alpha.agency.id, brand_ids=[alpha.brand.id]):
        assert db.session.query(Brand).count() == 1  # what the consultant sees
        assert usage_module.measure(alpha.agency.id, "UTC").brands == 2


def test_reports_count_in_the_calendar_month_of_the_agencys_zone(alpha, billing_on):
    set_billing(alpha.agency, status="active", timezone="Asia/Dubai")
    now = datetime(2026, 12, 15, 12, 0)
    add_report(alpha, created_at=datetime(2026, 11, 30, 21, 0))  # 1 Dec 01:00 in Dubai
    add_report(alpha, created_at=datetime(2026, 11, 30, 19, 0))  # 30 Nov 23:00: November
    add_report(alpha, created_at=datetime(2026, 12, 10))
    add_report(alpha, created_at=datetime(2026, 12, 11), status="failed")  # not held against
    assert current(alpha.agency.id, now=now).usage.reports_per_month == 2
    start, end = month_bounds("Asia/Dubai", now)
    assert (start, end) == (datetime(2026, 11, 30, 20), datetime(2026, 12, 31, 20))


def test_schedules_and_sessions_are_counted(alpha, billing_on):
    add_schedule(alpha)
    add_schedule(alpha, active=False)
    add_session(alpha)
    add_session(alpha)
    add_session(alpha, status="cancelled")
    add_session(alpha, created_at=utcnow() - timedelta(days=62))  # another month
    usage = current(alpha.agency.id).usage
    assert usage.scheduled_reports == 1
    assert usage.sessions_per_month == 2


# --- the migration ---------------------------------------------------------------------------


def test_the_billing_migration_gives_existing_agencies_a_trial(tmp_path):
    """An agency that exists when billing ships is not read-only the next morning."""
    from flask_migrate import upgrade

    from saas import create_app

    url = f"sqlite:///{tmp_path / 'before-billing.db'}"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url, "JOBS_MODE": "eager"}
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="0009_session_work")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO agencies (name, slug, accent_color, default_locale, "
                "review_reminder_days, created_at) VALUES "
                "('Old Agency', 'old-agency', '#2f5bea', 'en', 3, '2024-01-01 00:00:00')"
            )
        upgrade(directory=str(ROOT / "migrations"), revision="0010_billing")
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT plan, status, trial_ends_at FROM agency_billing"
            ).all()
        engine.dispose()
        db.engine.dispose()
    assert len(rows) == 1
    plan, status, trial_ends_at = rows[0]
    assert (plan, status) == ("starter", "trialing")
    ends = datetime.fromisoformat(str(trial_ends_at))
    assert abs(ends - (utcnow() + timedelta(days=14))) < timedelta(minutes=5)


def test_writing_the_row_late_never_restarts_a_trial_that_ran_out(alpha, billing_on):
    """A first checkout writes the row of an agency that never had one: its trial still
    counts from the agency's creation."""
    from saas.models import Agency
    from saas.services.entitlements.state import new_trial
    from tenants.context import system_scope

    with system_scope():
        agency = db.session.get(Agency, alpha.agency.id)
        agency.created_at = utcnow() - timedelta(days=30)
        db.session.commit()
    assert current(alpha.agency.id).read_only
    with tenant_scope(alpha.agency.id):
        new_trial(alpha.agency.id)
        db.session.commit()
    state = current(alpha.agency.id)
    assert state.read_only and state.reason == "trial_ended"


def test_a_status_we_do_not_know_is_read_only_with_a_plain_reason(alpha, billing_on):
    from saas.services.entitlements.limits import read_only_reason

    set_billing(alpha.agency, status="incomplete_expired")
    state = current(alpha.agency.id)
    assert (state.status, state.reason) == ("read_only", "inactive")
    assert read_only_reason(state) == "Your agency has no active subscription, so it is read-only."
