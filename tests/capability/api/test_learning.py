"""Protected learning time through the API: the budget, learning items against it (over the
budget is refused until a higher budget is recorded), who may change what."""

from __future__ import annotations

import pytest

from saas.services import learning as learning_service
from tests.capability.api.conftest import counts, envelope, field_error


def _budget_path(world, brand=None) -> str:
    return f"/brands/{(brand or world.brand).id}/learning-budget"


def _items_path(world, brand=None) -> str:
    return f"/brands/{(brand or world.brand).id}/learning-items"


def _item(member_id, **kw):
    body = {
        "member_id": member_id,
        "title": "TikTok for brands course",
        "skill": "tiktok",
        "format": "course",
        "due_on": "2030-01-15",
        "hours": 3,
    }
    body.update(kw)
    return body


def _set_budget(call, world, hours, role="consultant"):
    resp = call(
        world.tokens[role], "PUT", _budget_path(world), json={"hours_per_person_per_month": hours}
    )
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


@pytest.fixture
def budgeted(alpha, call, team):
    _set_budget(call, alpha, 4)
    return team


def test_no_budget_yet_reads_as_null_and_nothing_can_be_planned(alpha, call, team):
    resp = call(alpha.tokens["leader"], "GET", _budget_path(alpha))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    today = learning_service.today_for(alpha.brand)
    assert body == {
        "hours_per_person_per_month": None,
        "history": [],
        "month": {
            "year": today.year,
            "month": today.month,
            "members": 2,
            "team_budget": 0.0,
            "planned": 0.0,
            "done": 0.0,
        },
    }
    before = counts(alpha)
    resp = call(alpha.tokens["owner"], "POST", _items_path(alpha), json=_item(team.own_id))
    field_error(resp, "hours", code="over_budget")
    assert counts(alpha) == before


def test_staff_record_budgets_and_the_history_stays(alpha, call, team):
    _set_budget(call, alpha, 4, role="owner")
    body = _set_budget(call, alpha, 6.5)
    assert body["hours_per_person_per_month"] == 6.5
    assert [b["hours_per_person_per_month"] for b in body["history"]] == [6.5, 4.0]
    assert body["history"][0]["set_by_id"] == alpha.consultant.user_id
    assert body["month"]["team_budget"] == 13.0  # two active members
    read = call(alpha.tokens["team"], "GET", _budget_path(alpha)).get_json()
    assert read == body


@pytest.mark.parametrize("role", ["leader", "team"])
def test_client_users_do_not_set_the_budget(alpha, call, team, role):
    before = counts(alpha)
    resp = call(
        alpha.tokens[role], "PUT", _budget_path(alpha), json={"hours_per_person_per_month": 40}
    )
    assert resp.status_code == 403
    assert counts(alpha) == before


@pytest.mark.parametrize("hours", [0, -2, 161, "8", None, True])
def test_an_invalid_budget_is_refused(alpha, call, team, hours):
    before = counts(alpha)
    resp = call(
        alpha.tokens["owner"],
        "PUT",
        _budget_path(alpha),
        json={"hours_per_person_per_month": hours},
    )
    field_error(resp, "hours_per_person_per_month")
    assert counts(alpha) == before


def test_items_are_planned_listed_and_read(alpha, call, budgeted):
    consultant = alpha.tokens["consultant"]
    first = call(consultant, "POST", _items_path(alpha), json=_item(budgeted.own_id))
    assert first.status_code == 201, first.get_json()
    item = first.get_json()
    assert item == {
        **item,
        "brand_id": alpha.brand.id,
        "member_id": budgeted.own_id,
        "title": "TikTok for brands course",
        "skill": "tiktok",
        "format": "course",
        "due_on": "2030-01-15",
        "hours": 3.0,
        "status": "planned",
        "session_id": None,
        "finding_id": None,
        "created_by_id": alpha.consultant.user_id,
        "done_at": None,
    }
    second = call(
        consultant,
        "POST",
        _items_path(alpha),
        json=_item(budgeted.other_id, title="Read the playbook", format="reading", skill=None,
                   due_on="2030-01-02", hours=1.5),
    )  # fmt: skip
    assert second.status_code == 201, second.get_json()
    listed = envelope(call(alpha.tokens["leader"], "GET", _items_path(alpha)))
    assert [i["id"] for i in listed] == [second.get_json()["id"], item["id"]]  # soonest due first
    only = envelope(call(consultant, "GET", f"{_items_path(alpha)}?member_id={budgeted.own_id}"))
    assert [i["id"] for i in only] == [item["id"]]
    assert envelope(call(consultant, "GET", f"{_items_path(alpha)}?status=done")) == []
    assert call(consultant, "GET", f"{_items_path(alpha)}?status=late").status_code == 400
    read = call(alpha.tokens["team"], "GET", f"/learning-items/{item['id']}")
    assert read.status_code == 200 and read.get_json() == item


def test_over_the_budget_is_refused_until_a_higher_budget_is_recorded(alpha, call, budgeted):
    owner = alpha.tokens["owner"]
    assert call(owner, "POST", _items_path(alpha), json=_item(budgeted.own_id)).status_code == 201
    before = counts(alpha)
    resp = call(owner, "POST", _items_path(alpha), json=_item(budgeted.own_id, hours=2))
    message = field_error(resp, "hours", code="over_budget")
    assert resp.get_json()["error"]["code"] == "over_budget"
    assert "5 hours planned" in message and "budget is 4 hours" in message
    assert counts(alpha) == before
    ar = call(owner, "POST", _items_path(alpha), json=_item(budgeted.own_id, hours=2), lang="ar")
    assert any("\u0600" <= c <= "\u06ff" for c in ar.get_json()["error"]["message"])
    # Another person, or another month, has budget of their own.
    other = _item(budgeted.other_id, hours=2)
    assert call(owner, "POST", _items_path(alpha), json=other).status_code == 201
    later = _item(budgeted.own_id, hours=2, due_on="2030-02-01")
    assert call(owner, "POST", _items_path(alpha), json=later).status_code == 201
    # Raising an item's hours over the budget is refused as well.
    item_id = envelope(call(owner, "GET", f"{_items_path(alpha)}?member_id={budgeted.own_id}"))[0]
    before = counts(alpha)
    resp = call(owner, "PATCH", f"/learning-items/{item_id['id']}", json={"hours": 5})
    field_error(resp, "hours", code="over_budget")
    assert counts(alpha) == before
    # The higher budget agreed with the client makes room.
    _set_budget(call, alpha, 6)
    again = call(owner, "POST", _items_path(alpha), json=_item(budgeted.own_id, hours=2))
    assert again.status_code == 201, again.get_json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": 0}, "hours"),
        ({"hours": 200}, "hours"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"format": "webinar"}, "format"),
        ({"due_on": "2030-02-30"}, "due_on"),
        ({"due_on": None}, "due_on"),
        ({"skill": "myspace"}, "skill"),
        ({"member_id": 2**31 - 1}, "member_id"),
        ({"member_id": 2**40}, "member_id"),
        ({"finding_id": 2**31 - 1}, "finding_id"),
        ({"format": "partner_session"}, "session_id"),
        ({"session_id": 2**31 - 1, "format": "partner_session"}, "session_id"),
        ({"status": "done"}, "status"),
    ],
)
def test_invalid_items_are_refused_and_change_nothing(alpha, call, budgeted, change, field):
    before = counts(alpha)
    resp = call(
        alpha.tokens["owner"], "POST", _items_path(alpha), json={**_item(budgeted.own_id), **change}
    )
    field_error(resp, field)
    assert counts(alpha) == before


def test_a_member_of_another_brand_is_refused(alpha, call, budgeted):
    before = counts(alpha)
    resp = call(
        alpha.tokens["owner"], "POST", _items_path(alpha), json=_item(budgeted.elsewhere_id)
    )
    field_error(resp, "member_id")
    assert counts(alpha) == before


def test_a_partner_session_links_a_training_session_of_the_brand(alpha, call, budgeted):
    session = call(
        alpha.tokens["consultant"],
        "POST",
        f"/brands/{alpha.brand.id}/sessions",
        json={"title": "TikTok clinic", "kind": "training", "starts_at": "2030-01-10T10:00",
              "timezone": "Asia/Riyadh", "duration_minutes": 90},
    )  # fmt: skip
    assert session.status_code == 201, session.get_json()
    body = _item(budgeted.own_id, format="partner_session", session_id=session.get_json()["id"])
    resp = call(alpha.tokens["consultant"], "POST", _items_path(alpha), json=body)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["session_id"] == session.get_json()["id"]


def test_the_team_marks_its_own_items_done_and_nothing_else(alpha, call, budgeted):
    owner, own = alpha.tokens["owner"], alpha.tokens["team"]
    today = learning_service.today_for(alpha.brand).isoformat()
    mine = call(owner, "POST", _items_path(alpha), json=_item(budgeted.own_id, due_on=today))
    theirs = call(owner, "POST", _items_path(alpha), json=_item(budgeted.other_id, due_on=today))
    mine, theirs = mine.get_json(), theirs.get_json()
    # Lowering the budget afterwards does not stop anyone finishing what was planned.
    _set_budget(call, alpha, 1)
    done = call(own, "PATCH", f"/learning-items/{mine['id']}", json={"status": "done"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "done" and done.get_json()["done_at"].endswith("Z")
    month = call(alpha.tokens["leader"], "GET", _budget_path(alpha)).get_json()["month"]
    assert (month["planned"], month["done"], month["team_budget"]) == (6.0, 3.0, 2.0)
    reopened = call(own, "PATCH", f"/learning-items/{mine['id']}", json={"status": "planned"})
    assert reopened.get_json()["status"] == "planned" and reopened.get_json()["done_at"] is None

    before = counts(alpha)
    for item_id, body in (
        (theirs["id"], {"status": "done"}),  # someone else's
        (mine["id"], {"status": "dropped"}),
        (mine["id"], {"title": "Renamed"}),
        (mine["id"], {"status": "done", "hours": 1}),
    ):
        resp = call(own, "PATCH", f"/learning-items/{item_id}", json=body)
        assert resp.status_code == 403, (body, resp.get_json())
    resp = call(
        alpha.tokens["leader"], "PATCH", f"/learning-items/{mine['id']}", json={"status": "done"}
    )
    assert resp.status_code == 403
    assert counts(alpha) == before
    assert call(owner, "GET", f"/learning-items/{theirs['id']}").get_json() == theirs


def test_staff_change_and_drop_items(alpha, call, budgeted):
    consultant = alpha.tokens["consultant"]
    item = call(consultant, "POST", _items_path(alpha), json=_item(budgeted.own_id)).get_json()
    resp = call(
        consultant,
        "PATCH",
        f"/learning-items/{item['id']}",
        json={"title": "Shadow Lina on a live", "format": "shadowing", "skill": "short_video"},
    )
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["format"], resp.get_json()["skill"]) == ("shadowing", "short_video")
    dropped = call(consultant, "PATCH", f"/learning-items/{item['id']}", json={"status": "dropped"})
    assert dropped.get_json()["status"] == "dropped"
    field_error(
        call(consultant, "PATCH", f"/learning-items/{item['id']}", json={"format": "webinar"}),
        "format",
    )
    field_error(
        call(consultant, "PATCH", f"/learning-items/{item['id']}", json={"skill": "myspace"}),
        "skill",
    )
    unchanged = call(consultant, "GET", f"/learning-items/{item['id']}").get_json()
    assert (unchanged["format"], unchanged["skill"]) == ("shadowing", "short_video")


def test_another_agencys_items_and_budget_are_not_found(alpha, bravo, call, budgeted):
    item = call(
        alpha.tokens["owner"], "POST", _items_path(alpha), json=_item(budgeted.own_id)
    ).get_json()
    before = counts(alpha)
    bravo_owner = bravo.tokens["owner"]
    for method, path, body in (
        ("GET", f"/learning-items/{item['id']}", None),
        ("PATCH", f"/learning-items/{item['id']}", {"status": "dropped"}),
        ("GET", _items_path(alpha), None),
        ("POST", _items_path(alpha), _item(budgeted.own_id)),
        ("GET", _budget_path(alpha), None),
        ("PUT", _budget_path(alpha), {"hours_per_person_per_month": 100}),
    ):
        resp = call(bravo_owner, method, path, json=body)
        assert resp.status_code == 404, (method, path, resp.get_json())
        assert resp.get_json()["error"]["code"] == "not_found"
    assert call(bravo_owner, "GET", "/learning-items/2147483648").status_code == 404
    # The client leader of brand One does not reach brand Two's learning either.
    other = alpha.other_brand
    assert call(alpha.tokens["leader"], "GET", _budget_path(alpha, other)).status_code == 404
    assert call(alpha.tokens["leader"], "GET", _items_path(alpha, other)).status_code == 404
    assert counts(alpha) == before


def test_a_finding_of_another_agency_is_refused(alpha, bravo, call, budgeted):
    from tests.factories import planning_data

    plan = planning_data(bravo.agency, bravo.brand, goals=1, campaigns=1, calendar=1)
    review = call(bravo.tokens["owner"], "POST", f"/plans/{plan.id}/reviews").get_json()
    assert review["findings"], review
    finding_id = review["findings"][0]["id"]
    before = counts(alpha)
    body = _item(budgeted.own_id, finding_id=finding_id)
    field_error(call(alpha.tokens["owner"], "POST", _items_path(alpha), json=body), "finding_id")
    assert counts(alpha) == before
