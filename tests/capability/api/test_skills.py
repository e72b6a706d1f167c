"""The skills catalogue through the API: the default keys, owner-only changes, keys that
never change, and another agency's skill."""

from __future__ import annotations

import pytest

from saas.services.capability.skills import DEFAULT_KEYS
from tests.capability.api.conftest import counts, envelope, field_error

NEW = {"key": "employer_branding", "name_en": "Employer branding", "name_ar": "العلامة الوظيفية"}


def _skills(call, token) -> list[dict]:
    return envelope(call(token, "GET", "/skills?per_page=100"))


def test_every_role_lists_the_default_catalogue_in_order(alpha, call):
    for role in ("owner", "consultant", "leader", "team"):
        skills = _skills(call, alpha.tokens[role])
        assert [s["key"] for s in skills] == list(DEFAULT_KEYS), role
    tiktok = next(s for s in skills if s["key"] == "tiktok")
    assert tiktok["name_en"] == "TikTok" and tiktok["name_ar"] == "تيك توك"
    assert tiktok["retired"] is False
    assert set(tiktok) == {
        "id", "key", "name_en", "name_ar", "retired", "position", "created_at", "updated_at"
    }  # fmt: skip


def test_the_list_pages(alpha, call):
    resp = call(alpha.tokens["owner"], "GET", "/skills?per_page=5&page=2")
    data = envelope(resp)
    assert [s["key"] for s in data] == list(DEFAULT_KEYS[5:10])
    assert resp.get_json()["meta"] == {
        "page": 2, "per_page": 5, "total": len(DEFAULT_KEYS), "next_page": 3
    }  # fmt: skip
    assert call(alpha.tokens["owner"], "GET", "/skills?page=0").status_code == 400


def test_the_owner_adds_a_skill_and_reads_it_back(alpha, call):
    resp = call(alpha.tokens["owner"], "POST", "/skills", json=NEW)
    assert resp.status_code == 201, resp.get_json()
    skill = resp.get_json()
    assert (skill["key"], skill["name_en"], skill["name_ar"]) == tuple(NEW.values())
    assert _skills(call, alpha.tokens["team"])[-1]["key"] == "employer_branding"
    read = call(alpha.tokens["leader"], "GET", f"/skills/{skill['id']}")
    assert read.status_code == 200 and read.get_json() == skill


@pytest.mark.parametrize("role", ["consultant", "leader", "team"])
def test_only_the_owner_changes_the_catalogue(alpha, call, role):
    skill = _skills(call, alpha.tokens["owner"])[0]
    before = counts(alpha)
    assert call(alpha.tokens[role], "POST", "/skills", json=NEW).status_code == 403
    resp = call(alpha.tokens[role], "PATCH", f"/skills/{skill['id']}", json={"name_en": "Hack"})
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "forbidden"
    assert counts(alpha) == before
    assert _skills(call, alpha.tokens["owner"])[0] == skill


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW, "key": "tiktok"}, "key"),  # a default key
        ({**NEW, "key": "Employer Branding"}, "key"),
        ({**NEW, "key": "9lives"}, "key"),
        ({**NEW, "key": ""}, "key"),
        ({**NEW, "name_en": "   "}, "name_en"),
        ({**NEW, "name_ar": ""}, "name_ar"),
        ({**NEW, "name_en": "x" * 81}, "name_en"),
        ({k: v for k, v in NEW.items() if k != "name_ar"}, "name_ar"),
        ({**NEW, "position": 1}, "position"),
        ({**NEW, "key": 7}, "key"),
    ],
)
def test_invalid_skills_are_refused_and_change_nothing(alpha, call, body, field):
    _skills(call, alpha.tokens["owner"])  # the catalogue exists before the count
    before = counts(alpha)
    field_error(call(alpha.tokens["owner"], "POST", "/skills", json=body), field)
    assert counts(alpha) == before


def test_a_duplicate_key_says_so(alpha, call):
    assert call(alpha.tokens["owner"], "POST", "/skills", json=NEW).status_code == 201
    before = counts(alpha)
    message = field_error(call(alpha.tokens["owner"], "POST", "/skills", json=NEW), "key")
    assert "already" in message
    assert counts(alpha) == before


def test_the_owner_renames_retires_and_restores_a_skill(alpha, call):
    owner = alpha.tokens["owner"]
    skill = _skills(call, owner)[0]
    resp = call(
        owner,
        "PATCH",
        f"/skills/{skill['id']}",
        json={"name_en": "Strategy", "name_ar": "الاستراتيجية", "key": skill["key"]},
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["name_en"] == "Strategy" and resp.get_json()["key"] == skill["key"]
    retired = call(owner, "PATCH", f"/skills/{skill['id']}", json={"retired": True}).get_json()
    assert retired["retired"] is True and retired["name_ar"] == "الاستراتيجية"
    assert _skills(call, owner)[0]["retired"] is True  # still listed: history stays
    restored = call(owner, "PATCH", f"/skills/{skill['id']}", json={"retired": False})
    assert restored.get_json()["retired"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key": "new_key"}, "key"),
        ({"key": "new_key", "name_en": "Renamed"}, "key"),
        ({"name_en": ""}, "name_en"),
        ({"retired": "yes"}, "retired"),
        ({"name_en": None}, "name_en"),
    ],
)
def test_a_key_never_changes_and_bad_patches_change_nothing(alpha, call, body, field):
    owner = alpha.tokens["owner"]
    skill = _skills(call, owner)[0]
    field_error(call(owner, "PATCH", f"/skills/{skill['id']}", json=body), field)
    assert _skills(call, owner)[0] == skill


def test_another_agencys_skill_is_not_found(alpha, bravo, call):
    alpha_skill = _skills(call, alpha.tokens["owner"])[0]
    bravo_keys = [s["id"] for s in _skills(call, bravo.tokens["owner"])]
    assert alpha_skill["id"] not in bravo_keys
    before = counts(alpha)
    for method, body in (("GET", None), ("PATCH", {"name_en": "Hacked by Bravo"})):
        resp = call(bravo.tokens["owner"], method, f"/skills/{alpha_skill['id']}", json=body)
        assert resp.status_code == 404, resp.get_json()
        assert resp.get_json()["error"]["code"] == "not_found"
    assert call(bravo.tokens["owner"], "GET", "/skills/2147483648").status_code == 404
    assert counts(alpha) == before
    assert _skills(call, alpha.tokens["owner"])[0] == alpha_skill
