"""Comparing two revisions campaign by campaign, without a database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from saas.domain.plan_diff import diff_revisions


def campaign(key, **kw):
    base = {
        "key": key,
        "name": f"Campaign {key}",
        "networks": ["instagram", "tiktok"],
        "format": "story",
        "objective": "awareness",
        "kpi": "views",
        "kpi_baseline": 100.0,
        "kpi_target": 200.0,
        "audience_id": 1,
        "start_date": date(2027, 1, 1),
        "end_date": date(2027, 1, 31),
        "duration_rationale": "Launch month",
        "budget": Decimal("1000.00"),
        "goal_ids": [1, 2],
        "goal_contributions": {1: 10.0, 2: None},
    }
    return base | kw


def revision(campaigns, **kw):
    base = {
        "title": "Q1",
        "period_start": date(2027, 1, 1),
        "period_end": date(2027, 3, 31),
        "campaigns": campaigns,
        "calendar_count": 3,
    }
    return base | kw


def test_identical_revisions_have_no_differences():
    diff = diff_revisions(revision([campaign("a")]), revision([campaign("a")]))
    assert diff.is_empty
    assert diff.unchanged_count == 1


def test_added_removed_and_changed_campaigns_are_told_apart_by_key():
    old = revision([campaign("a"), campaign("b"), campaign("c")])
    new = revision(
        [campaign("a"), campaign("b", name="Renamed", budget=Decimal("1500")), campaign("d")]
    )
    diff = diff_revisions(old, new)
    assert [c.key for c in diff.added] == ["d"]
    assert [c.key for c in diff.removed] == ["c"]
    assert [c.key for c in diff.changed] == ["b"]
    changes = {ch.field: (ch.old, ch.new) for ch in diff.changed[0].changes}
    assert changes == {
        "name": ("Campaign b", "Renamed"),
        "budget": (Decimal("1000"), Decimal("1500")),
    }
    assert diff.changed[0].name == "Renamed"
    assert diff.unchanged_count == 1


def test_networks_and_goals_compare_as_sets():
    same = diff_revisions(
        revision([campaign("a")]),
        revision([campaign("a", networks=["tiktok", "instagram"], goal_ids=[2, 1])]),
    )
    assert same.is_empty
    changed = diff_revisions(
        revision([campaign("a")]), revision([campaign("a", networks=["instagram"], goal_ids=[3])])
    )
    fields = {ch.field: (ch.old, ch.new) for ch in changed.changed[0].changes}
    assert fields["networks"] == (frozenset({"instagram", "tiktok"}), frozenset({"instagram"}))
    assert fields["goal_ids"] == (frozenset({1, 2}), frozenset({3}))


def test_plan_fields_and_calendar_count_changes():
    diff = diff_revisions(
        revision([], calendar_count=3),
        revision([], title="Q1 revised", period_end=date(2027, 4, 30), calendar_count=5),
    )
    assert {ch.field for ch in diff.plan_changes} == {"title", "period_end"}
    assert diff.calendar_count == (3, 5)
    assert not diff.is_empty


def test_json_form_uses_iso_dates_and_sorted_lists():
    diff = diff_revisions(
        revision([campaign("a")]),
        revision([campaign("a", end_date=date(2027, 2, 28), networks=["x", "facebook"])]),
    )
    data = diff.to_dict()
    changes = {c["field"]: c for c in data["changed"][0]["changes"]}
    assert changes["end_date"] == {"field": "end_date", "old": "2027-01-31", "new": "2027-02-28"}
    assert changes["networks"]["new"] == ["facebook", "x"]
    assert data["calendar_items"] == {"old": 3, "new": 3}


def test_number_types_do_not_count_as_changes():
    diff = diff_revisions(
        revision([campaign("a", kpi_target=200, budget=Decimal("1000"))]),
        revision([campaign("a", kpi_target=200.0, budget=Decimal("1000.00"))]),
    )
    assert diff.is_empty
