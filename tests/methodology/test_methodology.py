"""Can an agency tune the alignment rules, per brand too, and does the engine follow?"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saas.domain.alignment import evaluate, samples
from saas.extensions import db
from saas.models import Agency, AuditEvent, RuleSetting
from saas.services import methodology
from saas.services.errors import NotFound, ValidationFailed
from tenants.context import tenant_scope


@pytest.fixture(autouse=True)
def request_context(db_app):
    """Messages are translated for the person asking: give the service calls a request."""
    with db_app.test_request_context("/"):
        yield


# --- merging -----------------------------------------------------------------------------


def test_without_settings_every_rule_uses_the_engines_defaults(alpha):
    with tenant_scope(alpha.agency.id):
        settings = methodology.settings_for(alpha.brand.id)
        views = {v.rule: v for v in methodology.rule_views(alpha.brand.id)}
    assert settings.rules == {}
    assert views["calendar_gap"].effective.params["max_gap_days"] == 14
    assert views["calendar_gap"].effective.enabled is True


def test_brand_override_beats_agency_default_which_beats_builtin_field_by_field(alpha):
    with tenant_scope(alpha.agency.id):
        methodology.save_agency_rule(
            "calendar_gap", severity="error", weight=3, params={"max_gap_days": 21}
        )
        methodology.save_brand_override(alpha.brand.id, "calendar_gap", weight=5)
        brand = methodology.settings_for(alpha.brand.id).rules["calendar_gap"]
        other = methodology.settings_for(alpha.other_brand.id).rules["calendar_gap"]

    # The brand overrides the weight only; severity and threshold come from the agency.
    assert (brand.severity, brand.weight, brand.params) == ("error", 5.0, {"max_gap_days": 21})
    assert (other.severity, other.weight, other.params) == ("error", 3.0, {"max_gap_days": 21})
    assert brand.enabled and other.enabled


def test_brand_override_can_switch_off_a_rule_the_agency_keeps_on(alpha):
    with tenant_scope(alpha.agency.id):
        methodology.save_brand_override(alpha.brand.id, "story_focus", enabled=False)
        assert methodology.settings_for(alpha.brand.id).rules["story_focus"].enabled is False
        assert "story_focus" not in methodology.settings_for(alpha.other_brand.id).rules


def test_duration_ranges_merge_objective_by_objective(alpha):
    with tenant_scope(alpha.agency.id):
        methodology.save_agency_rule(
            "duration_out_of_range", params={"ranges": {"awareness": [20, 80]}}
        )
        methodology.save_brand_override(
            alpha.brand.id, "duration_out_of_range", params={"ranges": {"traffic": [3, 30]}}
        )
        view = {v.rule: v for v in methodology.rule_views(alpha.brand.id)}["duration_out_of_range"]
    ranges = view.effective.params["ranges"]
    assert ranges["awareness"] == (20, 80)  # agency
    assert ranges["traffic"] == (3, 30)  # brand
    assert ranges["leads"] == (14, 90)  # built-in


def test_settings_are_read_in_one_query(alpha):
    from sqlalchemy import event

    with tenant_scope(alpha.agency.id):
        for rule in ("calendar_gap", "story_focus", "audience_missing"):
            methodology.save_agency_rule(rule, weight=2)
            methodology.save_brand_override(alpha.brand.id, rule, weight=4)
        statements = []

        def count(*_args, **_kw):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            methodology.settings_for(alpha.brand.id)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1


def test_clearing_an_override_returns_to_the_agency_setting(alpha):
    with tenant_scope(alpha.agency.id):
        methodology.save_agency_rule("audience_missing", severity="error")
        methodology.save_brand_override(alpha.brand.id, "audience_missing", severity="info")
        assert methodology.clear_brand_override(alpha.brand.id, "audience_missing") is True
        assert methodology.clear_brand_override(alpha.brand.id, "audience_missing") is False
        config = methodology.settings_for(alpha.brand.id).rules["audience_missing"]
        rows = db.session.scalars(select(RuleSetting)).all()
    assert config.severity == "error"
    assert [(r.rule, r.scope_brand_id) for r in rows] == [("audience_missing", None)]


def test_changes_are_audited_and_no_op_saves_are_not(alpha):
    with tenant_scope(alpha.agency.id):
        methodology.save_agency_rule("calendar_gap", weight=2)
        methodology.save_agency_rule("calendar_gap", weight="2")  # the same: nothing to record
        methodology.save_brand_override(alpha.brand.id, "calendar_gap", enabled=False)
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "methodology.updated")
        ).all()
    assert [(e.details["rule"], e.details["scope"]) for e in events] == [
        ("calendar_gap", "agency"),
        ("calendar_gap", "brand"),
    ]
    assert events[1].object_label == "Alpha Brand One"


# --- validation (service) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "kwargs", "field"),
    [
        ("no_such_rule", {}, "rule"),
        ("calendar_gap", {"severity": "fatal"}, "severity"),
        ("calendar_gap", {"weight": 11}, "weight"),
        ("calendar_gap", {"weight": -1}, "weight"),
        ("calendar_gap", {"weight": float("nan")}, "weight"),
        ("calendar_gap", {"weight": "heavy"}, "weight"),
        ("calendar_gap", {"enabled": "maybe"}, "enabled"),
        ("calendar_gap", {"params": {"max_gap_days": 0}}, "params.max_gap_days"),
        ("calendar_gap", {"params": {"max_gap_days": 731}}, "params.max_gap_days"),
        ("calendar_gap", {"params": {"max_gap_days": 2.5}}, "params.max_gap_days"),
        ("calendar_gap", {"params": {"threshold_percent": 5}}, "params.threshold_percent"),
        (
            "network_not_used_by_audience",
            {"params": {"threshold_percent": 101}},
            "params.threshold_percent",
        ),
        (
            "network_not_used_by_audience",
            {"params": {"threshold_percent": float("inf")}},
            "params.threshold_percent",
        ),
        (
            "duration_out_of_range",
            {"params": {"ranges": {"awareness": [60, 30]}}},
            "params.ranges.awareness",
        ),
        (
            "duration_out_of_range",
            {"params": {"ranges": {"awareness": [0, 30]}}},
            "params.ranges.awareness",
        ),
        (
            "duration_out_of_range",
            {"params": {"ranges": {"gossip": [10, 30]}}},
            "params.ranges.gossip",
        ),
        ("duration_out_of_range", {"params": {"ranges": [1, 2]}}, "params.ranges"),
        ("audience_missing", {"params": "x"}, "params"),
    ],
)
def test_invalid_settings_are_refused_with_the_field_named_and_nothing_saved(
    alpha, rule, kwargs, field
):
    with tenant_scope(alpha.agency.id):
        with pytest.raises(ValidationFailed) as exc:
            methodology.save_agency_rule(rule, **kwargs)
        assert field in exc.value.fields
        assert db.session.scalars(select(RuleSetting)).all() == []


def test_override_for_another_agencys_brand_is_not_found(alpha, bravo):
    with tenant_scope(bravo.agency.id), pytest.raises(NotFound):
        methodology.save_brand_override(alpha.brand.id, "calendar_gap", weight=1)
    with tenant_scope(alpha.agency.id):
        assert db.session.scalars(select(RuleSetting)).all() == []


@pytest.mark.parametrize("days", [0, 61, "three", None, 2.5, True])
def test_reminder_days_must_be_1_to_60(alpha, days):
    with tenant_scope(alpha.agency.id):
        agency = db.session.scalar(select(Agency))
        with pytest.raises(ValidationFailed) as exc:
            methodology.save_reminder_days(agency, days)
    assert "review_reminder_days" in exc.value.fields


# --- the engine follows the merged settings ------------------------------------------------


def _findings(settings):
    goals, audiences, plan = samples.broken_plan()
    return {f.rule: f for f in evaluate(goals, audiences, plan, settings).findings}


def test_engine_drops_a_rule_the_agency_switched_off_and_keeps_it_where_a_brand_wants_it(alpha):
    with tenant_scope(alpha.agency.id):
        methodology.save_agency_rule("audience_missing", enabled=False)
        methodology.save_agency_rule("engagers_unknown", severity="error")
        methodology.save_brand_override(alpha.other_brand.id, "audience_missing", enabled=True)
        brand_one = methodology.settings_for(alpha.brand.id)
        brand_two = methodology.settings_for(alpha.other_brand.id)

    assert "audience_missing" in _findings(None)
    one = _findings(brand_one)
    assert "audience_missing" not in one
    assert one["engagers_unknown"].severity == "error"
    assert "audience_missing" in _findings(brand_two)


def test_review_opened_through_the_service_uses_the_brands_settings(alpha):
    """Is a switched-off rule missing from a real review of a submitted plan?"""
    reviews = pytest.importorskip("saas.services.reviews")
    plans = pytest.importorskip("saas.services.plans")
    from datetime import date

    from saas.models import Plan

    with tenant_scope(alpha.agency.id):
        methodology.save_brand_override(alpha.brand.id, "audience_missing", enabled=False)
        methodology.save_brand_override(alpha.brand.id, "customer_care_missing", severity="error")
        campaign = plans.CampaignData(
            name="Launch",
            networks=["instagram"],
            format="post",
            objective="awareness",
            kpi="reach",
            kpi_baseline=1000.0,
            kpi_target=5000.0,
            audience_id=None,
            start_date=date(2026, 4, 1),
            end_date=date(2026, 4, 30),
            duration_rationale="A month for the launch.",
            budget=None,
            goal_links=[],
        )
        plan = plans.create_plan(
            alpha.brand,
            title="Spring",
            period_start=date(2026, 4, 1),
            period_end=date(2026, 6, 30),
            campaigns=[campaign],
            calendar=[],
            author=alpha.team.user,
        )
        plan = db.session.scalar(select(Plan).where(Plan.id == plan.id))
        plans.transition(plan, "submitted", alpha.team)
        review = reviews.open_review(plan, alpha.consultant)
        rules = {f.rule: f.severity for f in reviews.load(review.id, alpha.consultant).findings}
    assert "audience_missing" not in rules
    assert rules["customer_care_missing"] == "error"
