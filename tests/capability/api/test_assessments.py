"""Assessments through the API: who assesses follows from the role, ratings 0–4 only, people
of the brand's team only, history newest first, and the skills matrix they feed."""

from __future__ import annotations

import pytest

from tests.capability.api.conftest import counts, envelope, field_error


def _path(world) -> str:
    return f"/brands/{world.brand.id}/assessments"


def _rate(call, token, world, member_id, skill="tiktok", rating=2):
    body = {"member_id": member_id, "skill": skill, "rating": rating}
    return call(token, "POST", _path(world), json=body)


def test_staff_add_consultant_ratings_and_the_team_rates_itself(alpha, call, team):
    for role in ("owner", "consultant"):
        resp = _rate(call, alpha.tokens[role], alpha, team.other_id, rating=3)
        assert resp.status_code == 201, resp.get_json()
        body = resp.get_json()
        assert (
            body["source"] == "consultant"
            and body["assessed_by_id"] == getattr(alpha, role).user_id
        )
    own = _rate(call, alpha.tokens["team"], alpha, team.own_id, skill="short_video", rating=1)
    assert own.status_code == 201, own.get_json()
    assert own.get_json() == {
        "id": own.get_json()["id"],
        "brand_id": alpha.brand.id,
        "member_id": team.own_id,
        "skill": "short_video",
        "rating": 1,
        "level": "Aware",
        "source": "self",
        "assessed_by_id": alpha.team.user_id,
        "created_at": own.get_json()["created_at"],
    }


def test_the_team_rates_only_itself_and_leaders_only_read(alpha, call, team):
    before = counts(alpha)
    resp = _rate(call, alpha.tokens["team"], alpha, team.other_id)
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "forbidden"
    assert "only themselves" in resp.get_json()["error"]["message"]
    assert _rate(call, alpha.tokens["leader"], alpha, team.own_id).status_code == 403
    assert counts(alpha) == before
    # Leaders read.
    assert envelope(call(alpha.tokens["leader"], "GET", _path(alpha))) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rating": 5}, "rating"),
        ({"rating": -1}, "rating"),
        ({"rating": 2.5}, "rating"),
        ({"rating": "3"}, "rating"),
        ({"rating": True}, "rating"),
        ({"rating": None}, "rating"),
        ({"skill": "myspace"}, "skill"),
        ({"skill": ""}, "skill"),
        ({"member_id": 2**31 - 1}, "member_id"),
        ({"member_id": 2**40}, "member_id"),
        ({"source": "consultant"}, "source"),
    ],
)
def test_invalid_assessments_are_refused_and_change_nothing(alpha, call, team, change, field):
    before = counts(alpha)
    body = {"member_id": team.own_id, "skill": "tiktok", "rating": 2, **change}
    resp = call(alpha.tokens["consultant"], "POST", _path(alpha), json=body)
    message = field_error(resp, field)
    if field == "rating" and change["rating"] in (5, -1):
        assert "0 to 4" in message
    assert counts(alpha) == before


def test_a_retired_skill_is_not_assessed(alpha, call, team):
    owner = alpha.tokens["owner"]
    tiktok = next(
        s for s in envelope(call(owner, "GET", "/skills?per_page=100")) if s["key"] == "tiktok"
    )
    assert (
        call(owner, "PATCH", f"/skills/{tiktok['id']}", json={"retired": True}).status_code == 200
    )
    before = counts(alpha)
    field_error(_rate(call, owner, alpha, team.own_id), "skill")
    assert counts(alpha) == before


def test_people_outside_the_brand_are_refused_on_member_id(alpha, bravo, call, team):
    # A member of Bravo's own brand, and a member of Alpha's other brand.
    bravo_member = call(
        bravo.tokens["owner"], "POST", f"/brands/{bravo.brand.id}/team", json={"name": "Bravo M"}
    ).get_json()["id"]
    before = counts(alpha)
    for member_id in (team.elsewhere_id, bravo_member):
        message = field_error(_rate(call, alpha.tokens["owner"], alpha, member_id), "member_id")
        assert "team" in message
    # Bravo's owner cannot post into Alpha's brand at all.
    resp = _rate(call, bravo.tokens["owner"], alpha, team.own_id)
    assert resp.status_code == 404
    # Nor rate Alpha's member through Bravo's brand.
    field_error(_rate(call, bravo.tokens["owner"], bravo, team.own_id), "member_id")
    assert counts(alpha) == before


def test_history_is_newest_first_and_filters(alpha, call, team):
    consultant = alpha.tokens["consultant"]
    ids = [
        _rate(call, consultant, alpha, member, skill, rating).get_json()["id"]
        for member, skill, rating in (
            (team.own_id, "tiktok", 1),
            (team.other_id, "tiktok", 2),
            (team.own_id, "instagram", 3),
            (team.own_id, "tiktok", 2),
        )
    ]
    everyone = envelope(call(alpha.tokens["team"], "GET", _path(alpha)))
    assert [a["id"] for a in everyone] == ids[::-1]
    mine = envelope(call(consultant, "GET", f"{_path(alpha)}?member_id={team.own_id}"))
    assert [a["id"] for a in mine] == [ids[3], ids[2], ids[0]]
    tiktok = envelope(
        call(consultant, "GET", f"{_path(alpha)}?member_id={team.own_id}&skill=tiktok")
    )
    assert [(a["rating"], a["level"]) for a in tiktok] == [
        (2, "Practising with help"),
        (1, "Aware"),
    ]
    ar = envelope(call(consultant, "GET", f"{_path(alpha)}?skill=instagram", lang="ar"))
    assert ar[0]["level"] != "Independent" and any(
        "\u0600" <= c <= "\u06ff" for c in ar[0]["level"]
    )
    for bad in ("member_id=abc", "member_id=0", "member_id=99999999999", "page=0"):
        resp = call(consultant, "GET", f"{_path(alpha)}?{bad}")
        assert resp.status_code == 400, bad
        assert resp.get_json()["error"]["code"] == "bad_request"


def test_the_skills_matrix(alpha, call, team):
    consultant, own = alpha.tokens["consultant"], alpha.tokens["team"]
    _rate(call, own, alpha, team.own_id, "tiktok", 4)
    _rate(call, consultant, alpha, team.own_id, "tiktok", 1)  # the consultant's counts
    _rate(call, consultant, alpha, team.other_id, "tiktok", 2)
    _rate(call, own, alpha, team.own_id, "instagram", 3)
    resp = call(alpha.tokens["leader"], "GET", f"/brands/{alpha.brand.id}/skills-matrix")
    assert resp.status_code == 200, resp.get_json()
    m = resp.get_json()
    assert [x["name"] for x in m["members"]] == ["Alpha Team", "Sara Haddad"]
    keys = [s["key"] for s in m["skills"]]
    assert len(m["cells"]) == len(keys) * 2
    cell = {(c["member_id"], c["skill"]): c for c in m["cells"]}
    assert cell[(team.own_id, "tiktok")] == {
        "member_id": team.own_id,
        "skill": "tiktok",
        "self_rating": 4,
        "consultant_rating": 1,
        "counted": 1,
    }
    assert cell[(team.other_id, "instagram")]["counted"] is None
    assert m["strongest"] == {"tiktok": 2, "instagram": 3}
    assert "tiktok" not in m["thin"] and "instagram" not in m["thin"]
    assert "short_video" in m["thin"] and set(m["thin"]) == set(keys) - {"tiktok", "instagram"}
    assert [lv["rating"] for lv in m["levels"]] == [0, 1, 2, 3, 4]
    assert m["levels"][4]["label"] == "Can teach others"
    # Another agency, and a brand outside a leader's scope: 404.
    assert call(alpha.tokens["leader"], "GET", f"/brands/{alpha.other_brand.id}/skills-matrix")\
        .status_code == 404  # fmt: skip
