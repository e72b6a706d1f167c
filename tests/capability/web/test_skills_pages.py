"""The agency's skills catalogue under settings: the owner adds (key and both names),
renames and retires (behind a confirmation) or restores; keys never change; others read;
another agency's skills are not found."""

from __future__ import annotations

import re

from sqlalchemy import select

from saas.extensions import db
from saas.models.capability import Skill
from saas.services.capability import skills as skills_service
from tenants.context import tenant_scope
from tests.capability.web.conftest import text_of

PATH = "/settings/skills"


def skill(world, key: str) -> Skill:
    with tenant_scope(world.agency.id):
        skills_service.ensure_seeded()
        db.session.commit()
        row = db.session.scalar(
            select(Skill).where(Skill.key == key).execution_options(populate_existing=True)
        )
        return row


def test_the_owner_sees_the_default_catalogue_with_keys_and_forms(alpha, login_as):
    page = text_of(login_as(alpha.owner).get(PATH))
    for key in ("strategy_planning", "short_video", "tiktok", "whatsapp"):
        assert f'<code dir="ltr">{key}</code>' in page
    assert "Add a skill" in page and "Retire…" in page and "Rename…" in page
    assert 'href="/settings/skills" aria-current="page"' in page  # the settings menu


def test_consultants_and_client_users_read_only(alpha, login_as):
    for who in (alpha.consultant, alpha.leader, alpha.team):
        client = login_as(who)
        page = text_of(client.get(PATH))
        assert "tiktok" in page and "Read-only" in page
        assert "Add a skill" not in page and "Retire…" not in page
        resp = client.post(PATH, data={"key": "x_new", "name_en": "New", "name_ar": "جديد"})
        assert resp.status_code == 403
        tiktok = skill(alpha, "tiktok")
        assert (
            client.post(
                f"{PATH}/{tiktok.id}", data={f"skill-{tiktok.id}-action": "retire"}
            ).status_code
            == 403
        )
    assert skill(alpha, "x_new") is None and not skill(alpha, "tiktok").retired


def test_the_owner_adds_a_skill(alpha, login_as):
    client = login_as(alpha.owner)
    data = {
        "key": "influencer_marketing",
        "name_en": "Influencer marketing",
        "name_ar": "التسويق عبر المؤثرين",
    }
    resp = client.post(PATH, data=data)
    assert resp.status_code == 303
    page = text_of(client.get(PATH))
    assert "Influencer marketing was added to the catalogue." in page
    assert skill(alpha, "influencer_marketing").name_ar == "التسويق عبر المؤثرين"


def test_a_bad_key_or_missing_name_keeps_the_input_and_adds_nothing(alpha, login_as):
    client = login_as(alpha.owner)
    resp = client.post(PATH, data={"key": "Bad Key", "name_en": "Bad", "name_ar": ""})
    assert resp.status_code == 422
    page = text_of(resp)
    assert "Use lower-case letters, digits and underscores" in page
    assert "Enter the skill&#39;s name." in page
    assert 'value="Bad Key"' in page and 'value="Bad"' in page
    resp = client.post(PATH, data={"key": "tiktok", "name_en": "Again", "name_ar": "مرة"})
    assert resp.status_code == 422
    assert "The catalogue already has a skill with this key." in text_of(resp)
    assert skill(alpha, "Bad Key") is None


def test_the_owner_renames_retires_and_restores_but_the_key_stays(alpha, login_as):
    client = login_as(alpha.owner)
    row = skill(alpha, "x")
    prefix = f"skill-{row.id}-"
    resp = client.post(
        f"{PATH}/{row.id}",
        data={
            f"{prefix}action": "rename",
            f"{prefix}name_en": "X (Twitter)",
            f"{prefix}name_ar": "إكس (تويتر)",
            "key": "twitter",
        },
    )
    assert resp.status_code == 303
    row = skill(alpha, "x")
    assert (row.key, row.name_en, row.name_ar) == ("x", "X (Twitter)", "إكس (تويتر)")
    # Retiring asks first: the button sits behind a <details> with the consequence spelled out.
    page = text_of(client.get(PATH))
    assert re.search(r"Retire “X \(Twitter\)”\? It leaves the matrix and the forms", page)
    assert client.post(f"{PATH}/{row.id}", data={f"{prefix}action": "retire"}).status_code == 303
    assert skill(alpha, "x").retired
    page = text_of(client.get(PATH))
    assert "Restore" in page
    assert client.post(f"{PATH}/{row.id}", data={f"{prefix}action": "restore"}).status_code == 303
    assert not skill(alpha, "x").retired


def test_an_empty_rename_is_refused_and_changes_nothing(alpha, login_as):
    client = login_as(alpha.owner)
    row = skill(alpha, "tiktok")
    prefix = f"skill-{row.id}-"
    resp = client.post(
        f"{PATH}/{row.id}",
        data={f"{prefix}action": "rename", f"{prefix}name_en": "", f"{prefix}name_ar": "تيك توك"},
    )
    assert resp.status_code == 422
    assert "Enter the skill&#39;s name." in text_of(resp)
    assert skill(alpha, "tiktok").name_en == "TikTok"


def test_another_agencys_skill_is_not_found(alpha, bravo, login_as):
    row = skill(alpha, "tiktok")
    resp = login_as(bravo.owner).post(f"{PATH}/{row.id}", data={f"skill-{row.id}-action": "retire"})
    assert resp.status_code == 404
    assert not skill(alpha, "tiktok").retired
