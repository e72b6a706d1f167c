"""The invite form on /members/ starts empty again after an invitation went out, and keeps
what was typed when it was refused (so the mistake can be fixed)."""

from __future__ import annotations

import re


def _input_value(page: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    assert tag, f"no input named {name}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


def _checked_brands(page: str) -> list[str]:
    tags = re.findall(r'<input[^>]*\bname="brand_ids"[^>]*>', page)
    assert tags, "no brand checkboxes"
    return [t for t in tags if re.search(r"\bchecked\b", t)]


def test_after_a_successful_invitation_the_form_is_empty(alpha, login_as):
    client = login_as(alpha.owner)

    resp = client.post(
        "/members/invite",
        data={
            "email": "typed.person@example.com",
            "role": "client_team",
            "brand_ids": [alpha.brand.id],
        },
    )

    page = resp.get_data(as_text=True)
    assert resp.status_code == 201
    assert "Invitation sent to typed.person@example.com" in page
    assert "/invitations/" in page  # the one-time link is shown
    assert _input_value(page, "email") in (None, "")
    assert _checked_brands(page) == []


def test_a_refused_invitation_keeps_what_was_typed(alpha, login_as):
    client = login_as(alpha.owner)

    resp = client.post(
        "/members/invite",
        data={"email": "typed.person@example.com", "role": "client_team", "brand_ids": []},
    )

    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert _input_value(page, "email") == "typed.person@example.com"
