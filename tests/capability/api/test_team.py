"""A brand's client team through the API: staff add people (users or just names), everyone
with the brand reads them, a member reads with their latest ratings."""

from __future__ import annotations

import pytest

from tests.capability.api.conftest import counts, envelope, field_error


def test_staff_add_users_and_names_and_everyone_lists_them(alpha, call, team):
    path = f"/brands/{alpha.brand.id}/team"
    consultant = call(alpha.tokens["consultant"], "POST", path, json={"name": "Lina"})
    assert consultant.status_code == 201, consultant.get_json()
    for role in ("owner", "consultant", "leader", "team"):
        members = envelope(call(alpha.tokens[role], "GET", path))
        assert [m["name"] for m in members] == ["Alpha Team", "Lina", "Sara Haddad"], role
    own = next(m for m in members if m["id"] == team.own_id)
    assert own == {
        "id": team.own_id,
        "brand_id": alpha.brand.id,
        "name": "Alpha Team",
        "user_id": alpha.team.user_id,
        "active": True,
        "created_at": own["created_at"],
    }
    assert own["created_at"].endswith("Z")
    # The other brand's team is its own.
    other = envelope(call(alpha.tokens["owner"], "GET", f"/brands/{alpha.other_brand.id}/team"))
    assert [m["id"] for m in other] == [team.elsewhere_id]


@pytest.mark.parametrize("role", ["leader", "team"])
def test_client_users_do_not_add_members(alpha, call, role):
    before = counts(alpha)
    resp = call(alpha.tokens[role], "POST", f"/brands/{alpha.brand.id}/team", json={"name": "X"})
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "forbidden"
    assert counts(alpha) == before


def test_invalid_members_are_refused_and_change_nothing(alpha, bravo, call, team):
    path = f"/brands/{alpha.brand.id}/team"
    owner = alpha.tokens["owner"]
    other_brand, team_user, bravo_user = (
        alpha.other_brand.id,
        alpha.team.user_id,
        bravo.team.user_id,
    )
    cases = [
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"user_id": None}, "name"),
        ({"name": "Intruder", "user_id": bravo_user}, "user_id"),  # another agency
        ({"name": "Leader", "user_id": 2**31 - 1}, "user_id"),
        ({"name": "Linked twice", "user_id": team_user}, "user_id"),
        ({"name": "Hidden", "extra": 1}, "extra"),
    ]
    before = counts(alpha)
    for body, field in cases:
        field_error(call(owner, "POST", path, json=body), field)
    # A user of this agency who cannot reach the brand: the team user is in brand One only.
    field_error(
        call(
            owner,
            "POST",
            f"/brands/{other_brand}/team",
            json={"name": "Team", "user_id": team_user},
        ),
        "user_id",
    )
    assert counts(alpha) == before


def test_a_member_reads_with_the_latest_ratings(alpha, call, team):
    brand = alpha.brand.id
    consultant, own = alpha.tokens["consultant"], alpha.tokens["team"]
    for token, skill, rating in (
        (own, "tiktok", 1),
        (own, "tiktok", 2),
        (consultant, "tiktok", 3),
        (own, "instagram", 4),
    ):
        body = {"member_id": team.own_id, "skill": skill, "rating": rating}
        assert call(token, "POST", f"/brands/{brand}/assessments", json=body).status_code == 201
    resp = call(alpha.tokens["leader"], "GET", f"/brands/{brand}/team/{team.own_id}")
    assert resp.status_code == 200, resp.get_json()
    member = resp.get_json()
    assert member["name"] == "Alpha Team"
    assert member["ratings"] == [
        {"skill": "instagram", "self_rating": 4, "consultant_rating": None, "counted": 4},
        {"skill": "tiktok", "self_rating": 2, "consultant_rating": 3, "counted": 3},
    ]
    sara = call(alpha.tokens["team"], "GET", f"/brands/{brand}/team/{team.other_id}")
    assert sara.status_code == 200 and sara.get_json()["ratings"] == []


def test_a_member_of_another_brand_or_agency_is_not_found(alpha, bravo, call, team):
    # Through brand One's URL, brand Two's member does not exist.
    resp = call(alpha.tokens["owner"], "GET", f"/brands/{alpha.brand.id}/team/{team.elsewhere_id}")
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"
    # The client leader (brand One only) never reaches brand Two, nor its team.
    for path in (f"/brands/{alpha.other_brand.id}/team", f"/brands/{alpha.other_brand.id}/team/"
                 f"{team.elsewhere_id}"):  # fmt: skip
        assert call(alpha.tokens["leader"], "GET", path).status_code == 404
    before = counts(alpha)
    for method, path in (
        ("GET", f"/brands/{alpha.brand.id}/team"),
        ("GET", f"/brands/{alpha.brand.id}/team/{team.own_id}"),
        ("POST", f"/brands/{alpha.brand.id}/team"),
        ("GET", f"/brands/{bravo.brand.id}/team/{team.own_id}"),
    ):
        resp = call(bravo.tokens["owner"], method, path, json={"name": "Hacked by Bravo"})
        assert resp.status_code == 404, (method, path, resp.get_json())
        assert "Alpha" not in resp.get_data(as_text=True)
    assert counts(alpha) == before
