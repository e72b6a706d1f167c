"""Invitations that cannot go wrong: the role starts at the least privilege for where the
invitation starts, and nobody becomes an owner without a confirmation step.

Which role does the form offer first?
- from a brand page ("Invite the client's people"): the client's team, that brand ticked;
- from the members page: a consultant when an owner invites, the client's team when a
  consultant does.
"""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import Invitation, Membership, OutboxMessage, User
from tenants.context import system_scope, tenant_scope
from tests.landing.helpers import INVITE_LINK


def _selected_role(page: str) -> str | None:
    select_tag = re.search(r'<select[^>]*name="role".*?</select>', page, re.S)
    assert select_tag, "no role menu"
    chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]+)"', select_tag.group(0))
    chosen = chosen or re.search(r'<option[^>]*value="([^"]+)"[^>]*selected', select_tag.group(0))
    return chosen.group(1) if chosen else None


def _checked_brands(page: str) -> list[int]:
    tags = re.findall(r'<input[^>]*\bname="brand_ids"[^>]*>', page)
    return [int(re.search(r'value="(\d+)"', t).group(1)) for t in tags if " checked" in t]


def _invite_action(page: str) -> str:
    form = re.search(r'<form[^>]*action="([^"]*/members/invite[^"]*)"', page)
    assert form, "no invite form"
    return html.unescape(form.group(1))


def _submit_untouched(client, page: str, email: str):
    """Post the invite form as the browser would, changing nothing but the email."""
    data = {"email": email, "role": _selected_role(page), "brand_ids": _checked_brands(page)}
    return client.post(_invite_action(page), data=data)


def _invitations(world) -> list[Invitation]:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return list(db.session.scalars(select(Invitation).order_by(Invitation.id)))


def test_brand_page_links_to_the_invite_form_for_that_brand(alpha, login_as):
    client = login_as(alpha.owner)
    page = client.get(f"/brands/{alpha.brand.id}").get_data(as_text=True)
    assert f'href="/members/?brand_id={alpha.brand.id}#invite"' in page


@pytest.mark.parametrize("inviter", ["owner", "consultant"])
def test_from_a_brand_page_the_default_is_the_clients_team_with_the_brand_ticked(
    alpha, login_as, inviter
):
    client = login_as(getattr(alpha, inviter))
    page = client.get(f"/members/?brand_id={alpha.brand.id}").get_data(as_text=True)
    assert _selected_role(page) == "client_team"
    assert _checked_brands(page) == [alpha.brand.id]
    assert "Alpha Brand One" in page


@pytest.mark.parametrize(
    ("inviter", "role"), [("owner", "consultant"), ("consultant", "client_team")]
)
def test_from_the_members_page_the_default_depends_on_who_invites(alpha, login_as, inviter, role):
    client = login_as(getattr(alpha, inviter))
    page = client.get("/members/").get_data(as_text=True)
    assert _selected_role(page) == role
    assert _checked_brands(page) == []


def test_a_brand_of_another_agency_is_not_ticked(alpha, bravo, login_as):
    client = login_as(alpha.owner)
    resp = client.get(f"/members/?brand_id={bravo.brand.id}")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert _checked_brands(page) == []
    assert _selected_role(page) == "consultant"
    assert "Bravo" not in page


@pytest.mark.parametrize("junk", ["abc", "-1", "99999999999999999999", "١"])
def test_a_junk_brand_id_is_ignored(alpha, login_as, junk):
    client = login_as(alpha.owner)
    resp = client.get("/members/", query_string={"brand_id": junk})
    assert resp.status_code == 200
    assert _checked_brands(resp.get_data(as_text=True)) == []


def test_inviting_from_a_brand_page_without_touching_the_role_makes_a_client_of_that_brand(
    alpha, login_as, run_jobs
):
    """Done when: inviting from a brand page without touching the role creates a client
    user of that brand."""
    client = login_as(alpha.owner)
    brand_page = client.get(f"/brands/{alpha.brand.id}").get_data(as_text=True)
    invite_href = html.unescape(
        re.search(r'href="(/members/\?brand_id=\d+)#invite"', brand_page)[1]
    )
    page = client.get(invite_href).get_data(as_text=True)

    resp = _submit_untouched(client, page, "social.manager@example.com")
    assert resp.status_code == 201
    after = resp.get_data(as_text=True)
    # The form starts again from the same defaults, for the next person of this client.
    assert _selected_role(after) == "client_team"
    assert _checked_brands(after) == [alpha.brand.id]

    [invitation] = _invitations(alpha)
    assert invitation.role == "client_team"
    assert invitation.brand_ids == [alpha.brand.id]

    path = INVITE_LINK.search(after).group(1)
    anon = client.application.test_client()
    joined = anon.post(path, data={"name": "Social Manager"})
    assert joined.status_code == 302
    assert joined.headers["Location"] == f"/brands/{alpha.brand.id}"
    with system_scope():
        member = db.session.scalar(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(User.email == "social.manager@example.com")
        )
        assert member.role == "client_team"
        assert [link.brand_id for link in member.brand_links] == [alpha.brand.id]
        assert member.all_brands is False


def test_untouched_members_page_form_of_an_owner_invites_a_consultant(alpha, login_as):
    client = login_as(alpha.owner)
    page = client.get("/members/").get_data(as_text=True)
    resp = _submit_untouched(client, page, "strategist@example.com")
    assert resp.status_code == 201
    assert [i.role for i in _invitations(alpha)] == ["consultant"]


def test_a_post_without_a_role_never_defaults_to_owner(alpha, login_as):
    client = login_as(alpha.owner)
    resp = client.post("/members/invite", data={"email": "no.role@example.com"})
    assert resp.status_code == 201
    assert [i.role for i in _invitations(alpha)] == ["consultant"]


# --- owner confirmation ------------------------------------------------------------------


def _outbox_to(world, email: str) -> list[OutboxMessage]:
    with tenant_scope(world.agency.id):
        return list(
            db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == email))
        )


@pytest.mark.parametrize("confirm", [None, "", "no", "true", "1"])
def test_choosing_owner_asks_for_confirmation_and_sends_nothing(alpha, login_as, confirm):
    """Nobody becomes an owner without the confirmation."""
    client = login_as(alpha.owner)
    data = {"email": "partner@example.com", "role": "owner"}
    if confirm is not None:
        data["confirm_owner"] = confirm
    resp = client.post("/members/invite", data=data)

    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "as an owner?" in page
    assert 'name="confirm_owner" value="yes"' in page
    assert "/invitations/" not in page  # no link was made
    assert _invitations(alpha) == []
    assert _outbox_to(alpha, "partner@example.com") == []
    # The regular form below keeps what was typed, but never the confirmation.
    assert _selected_role(page) == "owner"
    assert page.count('name="confirm_owner"') == 2
    regular = re.search(r'<section[^>]*id="invite".*?</section>', page, re.S).group(0)
    assert re.search(r'<input[^>]*name="confirm_owner"[^>]*value=""', regular)


def test_confirming_invites_the_owner(alpha, login_as, run_jobs):
    client = login_as(alpha.owner)
    first = client.post("/members/invite", data={"email": "partner@example.com", "role": "owner"})
    # Post the confirmation form exactly as it is on the page.
    step = re.search(
        r'<section[^>]*id="confirm-owner".*?</section>', first.get_data(as_text=True), re.S
    )
    fields = dict(
        re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', step.group(0))
    )
    assert fields == {
        "csrf_token": fields["csrf_token"],
        "email": "partner@example.com",
        "role": "owner",
        "confirm_owner": "yes",
    }
    resp = client.post("/members/invite", data=fields)
    assert resp.status_code == 201
    [invitation] = _invitations(alpha)
    assert invitation.role == "owner"
    run_jobs()
    assert len(_outbox_to(alpha, "partner@example.com")) == 1


def test_a_consultant_cannot_invite_an_owner_even_with_the_confirmation(alpha, login_as):
    client = login_as(alpha.consultant)
    resp = client.post(
        "/members/invite",
        data={"email": "partner@example.com", "role": "owner", "confirm_owner": "yes"},
    )
    assert resp.status_code == 403
    assert _invitations(alpha) == []


def test_the_api_keeps_its_explicit_role(alpha, api):
    """The API has no default role and no form: an owner invitation says so in its body."""
    owner_api = api(alpha.tokens["owner"])
    missing = owner_api.post("/api/v1/invitations", json={"email": "partner@example.com"})
    assert missing.status_code == 422
    assert _invitations(alpha) == []

    resp = owner_api.post(
        "/api/v1/invitations", json={"email": "partner@example.com", "role": "owner"}
    )
    assert resp.status_code == 201
    assert resp.get_json()["role"] == "owner"

    consultant = api(alpha.tokens["consultant"]).post(
        "/api/v1/invitations", json={"email": "other@example.com", "role": "owner"}
    )
    assert consultant.status_code == 403
    assert [i.role for i in _invitations(alpha)] == ["owner"]


def test_copy_button_sits_next_to_the_invite_link_without_inline_script(alpha, login_as):
    client = login_as(alpha.owner)
    resp = client.post(
        "/members/invite",
        data={"email": "copy.me@example.com", "role": "client_team", "brand_ids": [alpha.brand.id]},
    )
    page = resp.get_data(as_text=True)
    assert re.search(
        r'<input id="invite-link" type="text" readonly value="http://tandem\.test/invitations/',
        page,
    )
    button = re.search(r'<button[^>]*data-copy-target="invite-link"[^>]*>', page).group(0)
    assert " hidden" in button  # shown by the script only: without it the link stays text
    assert '<script src="/static/copy.js" defer></script>' in page
    assert "<script>" not in page and "onclick" not in page
    assert client.get("/static/copy.js").status_code == 200
