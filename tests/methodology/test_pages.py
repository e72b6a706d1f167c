"""The methodology pages: who may read them, who may change them, and what they say."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import Agency, RuleSetting
from saas.services import methodology
from tenants.context import tenant_scope


def rows(world) -> list[tuple[str, int | None, bool | None, str | None, float | None, dict]]:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return [
            (r.rule, r.scope_brand_id, r.enabled, r.severity, r.weight, r.params)
            for r in db.session.scalars(select(RuleSetting).order_by(RuleSetting.id))
        ]


def reminder_days(world) -> int:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return db.session.scalar(select(Agency.review_reminder_days))


def rule_post(rule: str, **fields: str) -> dict[str, str]:
    return {"rule": rule, **{f"{rule}-{name}": value for name, value in fields.items()}}


def test_owner_sees_every_rule_with_its_description_and_controls(alpha, login_as, client):
    login_as(alpha.owner)
    resp = client.get("/settings/methodology")
    page = resp.get_data(as_text=True)

    assert resp.status_code == 200
    for rule in ("campaign_without_goal", "calendar_gap", "customer_care_missing"):
        assert f'id="{rule}"' in page
    assert "Gaps in the content calendar" in page or "calendar" in page.lower()
    assert 'name="calendar_gap-p_max_gap_days"' in page
    assert 'name="review_reminder_days"' in page
    assert "Built-in (On)" in page


def test_owner_saves_a_rule_and_sees_it_in_effect(alpha, login_as, client):
    login_as(alpha.owner)
    resp = client.post(
        "/settings/methodology",
        data=rule_post(
            "calendar_gap", enabled="on", severity="error", weight="2.5", p_max_gap_days="21"
        ),
    )
    assert resp.status_code == 302
    assert rows(alpha) == [("calendar_gap", None, True, "error", 2.5, {"max_gap_days": 21})]

    page = client.get("/settings/methodology").get_data(as_text=True)
    assert "Longest gap (days): 21" in page
    assert "weight 2.5" in page


def test_blank_fields_go_back_to_the_builtin_default(alpha, login_as, client):
    with tenant_scope(alpha.agency.id):
        methodology.save_agency_rule("calendar_gap", weight=3)
    login_as(alpha.owner)
    client.post("/settings/methodology", data=rule_post("calendar_gap", weight=""))
    assert rows(alpha) == []


@pytest.mark.parametrize(
    ("rule", "fields", "message"),
    [
        ("calendar_gap", {"weight": "11"}, "Enter a weight from 0 to 10"),
        ("calendar_gap", {"p_max_gap_days": "0"}, "whole number of days from 1 to 730"),
        ("network_not_used_by_audience", {"p_threshold_percent": "150"}, "percentage from 0"),
        (
            "duration_out_of_range",
            {"p_ranges__awareness__min": "90", "p_ranges__awareness__max": "10"},
            "shortest duration cannot be longer",
        ),
        ("calendar_gap", {"severity": "fatal"}, "Choose error, warning or info"),
    ],
)
def test_invalid_values_are_shown_next_to_the_field_and_nothing_is_saved(
    alpha, login_as, client, rule, fields, message
):
    login_as(alpha.owner)
    resp = client.post("/settings/methodology", data=rule_post(rule, **fields))
    page = resp.get_data(as_text=True)

    assert resp.status_code == 422
    assert message in page
    assert 'aria-invalid="true"' in page
    assert rows(alpha) == []


def test_a_post_without_a_known_rule_changes_nothing(alpha, login_as, client):
    login_as(alpha.owner)
    resp = client.post("/settings/methodology", data={"name": "x"}, follow_redirects=True)
    assert "Choose a rule to change." in resp.get_data(as_text=True)
    assert rows(alpha) == []


def test_consultant_reads_the_methodology_but_cannot_change_it(alpha, login_as, client):
    with tenant_scope(alpha.agency.id):
        methodology.save_agency_rule("calendar_gap", params={"max_gap_days": 30})
    login_as(alpha.consultant)

    page = client.get("/settings/methodology")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Longest gap (days): 30" in text
    assert 'name="calendar_gap-weight"' not in text  # no controls
    assert "Only the agency's owners can change the methodology." in text

    brand_page = client.get(f"/brands/{alpha.brand.id}/methodology")
    assert brand_page.status_code == 200

    assert (
        client.post("/settings/methodology", data=rule_post("calendar_gap", weight="9")).status_code
        == 403
    )
    assert (
        client.post(
            f"/brands/{alpha.brand.id}/methodology", data=rule_post("calendar_gap", weight="9")
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/brands/{alpha.brand.id}/methodology/reset", data={"rule": "calendar_gap"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/settings/methodology/reminders", data={"review_reminder_days": "9"}
        ).status_code
        == 403
    )
    assert rows(alpha) == [("calendar_gap", None, None, None, None, {"max_gap_days": 30})]
    assert reminder_days(alpha) == 3


@pytest.mark.parametrize("role", ["leader", "team"])
def test_client_users_cannot_open_the_methodology(alpha, login_as, client, role):
    login_as(getattr(alpha, role))
    assert client.get("/settings/methodology").status_code == 403
    assert client.get(f"/brands/{alpha.brand.id}/methodology").status_code == 403
    assert client.get(f"/brands/{alpha.other_brand.id}/methodology").status_code in (403, 404)
    assert (
        client.post(
            f"/brands/{alpha.brand.id}/methodology", data=rule_post("calendar_gap", weight="9")
        ).status_code
        == 403
    )
    assert rows(alpha) == []


def test_bravo_cannot_see_or_change_alphas_brand_methodology(alpha, bravo, login_as, client):
    with tenant_scope(alpha.agency.id):
        methodology.save_brand_override(alpha.brand.id, "calendar_gap", weight=7)
    login_as(bravo.owner)
    url = f"/brands/{alpha.brand.id}/methodology"

    assert client.get(url).status_code == 404
    assert client.post(url, data=rule_post("calendar_gap", weight="1")).status_code == 404
    assert client.post(f"{url}/reset", data={"rule": "calendar_gap"}).status_code == 404
    # Bravo's own agency page shows Bravo's settings, not Alpha's.
    page = client.get("/settings/methodology").get_data(as_text=True)
    assert "weight 7" not in page
    assert rows(alpha) == [("calendar_gap", alpha.brand.id, None, None, 7.0, {})]
    assert rows(bravo) == []


def test_brand_page_inherits_the_agency_and_overrides_one_field(alpha, login_as, client):
    with tenant_scope(alpha.agency.id):
        methodology.save_agency_rule("calendar_gap", severity="error", params={"max_gap_days": 10})
    login_as(alpha.owner)
    url = f"/brands/{alpha.brand.id}/methodology"

    page = client.get(url).get_data(as_text=True)
    assert "Alpha Brand One" in page
    assert "Agency (Error)" in page  # the inherit option says what it inherits
    assert 'placeholder="10"' in page

    resp = client.post(url, data=rule_post("calendar_gap", p_max_gap_days="30"))
    assert resp.status_code == 302
    assert rows(alpha)[-1] == (
        "calendar_gap",
        alpha.brand.id,
        None,
        None,
        None,
        {"max_gap_days": 30},
    )
    page = client.get(url).get_data(as_text=True)
    assert "Longest gap (days): 30" in page
    assert "Brand setting" in page
    assert "Reset to agency" in page
    # The other brand still follows the agency.
    other = client.get(f"/brands/{alpha.other_brand.id}/methodology").get_data(as_text=True)
    assert "Longest gap (days): 10" in other


def test_reset_to_agency_removes_the_brands_override(alpha, login_as, client):
    with tenant_scope(alpha.agency.id):
        methodology.save_brand_override(alpha.brand.id, "story_focus", enabled=False)
    login_as(alpha.owner)

    resp = client.post(
        f"/brands/{alpha.brand.id}/methodology/reset",
        data={"rule": "story_focus"},
        follow_redirects=True,
    )
    assert resp.status_code == 200
    assert "follows the agency" in resp.get_data(as_text=True)
    assert rows(alpha) == []


def test_owner_sets_the_review_reminder_days(alpha, login_as, client):
    login_as(alpha.owner)
    assert (
        client.post(
            "/settings/methodology/reminders", data={"review_reminder_days": "7"}
        ).status_code
        == 302
    )
    assert reminder_days(alpha) == 7

    resp = client.post("/settings/methodology/reminders", data={"review_reminder_days": "61"})
    assert resp.status_code == 422
    assert "from 1 to 60" in resp.get_data(as_text=True)
    assert reminder_days(alpha) == 7


def test_the_page_reads_in_arabic(alpha, login_as, client):
    from saas.models import User
    from tenants.context import system_scope

    with system_scope():
        db.session.scalar(select(User).where(User.id == alpha.owner.user_id)).locale = "ar"
        db.session.commit()
    login_as(alpha.owner)
    page = client.get("/settings/methodology").get_data(as_text=True)
    assert 'dir="rtl"' in page
    # Rule names and descriptions come from the engine's Arabic catalogue.
    from saas.domain.alignment import messages

    assert messages.rule_name("calendar_gap", "ar") in page
    assert messages.describe("calendar_gap", "ar") in page
