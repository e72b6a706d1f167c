"""Does ``next`` survive every way of signing in, and is a hostile one always dropped?

Routes: password, emailed sign-in link, password reset (forgot form → emailed link → new
password), invitation acceptance (new account, existing account).  Each is followed with a
same-site ``next`` (it lands there) and with ``//evil.example`` (it lands at home instead).
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from saas.extensions import db
from saas.services import invitations as invitation_service
from tenants.context import tenant_scope
from tests import factories
from tests.auth.helpers import delivered_link
from tests.factories import PASSWORD
from tests.landing.helpers import HOSTILE, MAGIC_LINK, RESET_LINK

HOSTILES = [HOSTILE, "https://evil.example/x", "/\\evil.example", "//evil.example/%2e%2e"]


def _main(page: str) -> str:
    """The page without its header: the language links there carry the whole address
    (and the sign-in page they lead back to drops a hostile next again)."""
    return page.split('<main id="main"', 1)[1]


def _nexts(page: str, attr: str, path: str) -> list[str]:
    """The ``next`` of every ``attr="<path>?..."`` on the page (href or action), decoded."""
    found = []
    for raw in re.findall(rf'\b{attr}="([^"]*)"', page):
        url = urlsplit(html.unescape(raw))
        if url.path == path:
            found += parse_qs(url.query).get("next", [])
    return found


def _hidden_nexts(page: str) -> list[str]:
    tags = [t for t in re.findall(r"<input[^>]*>", page) if 'name="next"' in t]
    return [html.unescape(re.search(r'value="([^"]*)"', t).group(1)) for t in tags]


def _invite(world, email: str, role: str = "client_team") -> str:
    with tenant_scope(world.agency.id):
        _inv, raw = invitation_service.invite(world.owner, email, role, [world.brand.id])
    return raw


# --- password ----------------------------------------------------------------------------


def test_password_sign_in_goes_to_next(client, alpha):
    target = f"/brands/{alpha.brand.id}/reports"
    page = client.get(f"/login?next={quote(target)}").get_data(as_text=True)
    assert f'value="{target}"' in page  # the form carries it

    resp = client.post(
        "/login", data={"email": "leader@alpha.test", "password": PASSWORD, "next": target}
    )
    assert resp.status_code == 302
    assert resp.headers["Location"] == target


@pytest.mark.parametrize("hostile", HOSTILES)
def test_password_sign_in_drops_a_hostile_next(client, alpha, hostile):
    page = client.get("/login", query_string={"next": hostile}).get_data(as_text=True)
    assert "evil.example" not in _main(page)

    resp = client.post(
        "/login", data={"email": "leader@alpha.test", "password": PASSWORD, "next": hostile}
    )
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"


# --- emailed sign-in link ----------------------------------------------------------------


def test_sign_in_link_keeps_next_from_the_login_page_to_the_destination(client, alpha, run_jobs):
    target = f"/brands/{alpha.brand.id}/goals"
    page = client.get(f"/login?next={quote(target)}").get_data(as_text=True)
    # The password form and the "email me a link" form both carry it.
    assert _hidden_nexts(page) == [target, target]

    client.post("/login/link", data={"email": "leader@alpha.test", "next": target})
    run_jobs()
    path = delivered_link("leader@alpha.test", MAGIC_LINK)
    assert parse_qs(urlsplit(path).query)["next"] == [target]

    confirm = client.get(path).get_data(as_text=True)
    assert "evil" not in _main(confirm)
    resp = client.post(path)
    assert resp.status_code == 302
    assert resp.headers["Location"] == target


def test_sign_in_link_drops_a_hostile_next(client, alpha, run_jobs):
    client.post("/login/link", data={"email": "leader@alpha.test", "next": HOSTILE})
    run_jobs()
    path = delivered_link("leader@alpha.test", MAGIC_LINK)
    assert "next" not in path and "evil" not in path

    # Even a hostile next added to a real link by hand goes nowhere.
    tampered = f"{path}?next={quote(HOSTILE, safe='')}"
    assert "evil" not in _main(client.get(tampered).get_data(as_text=True))
    resp = client.post(tampered)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"


# --- password reset ----------------------------------------------------------------------


def test_password_reset_keeps_next_through_the_emailed_link(client, alpha, run_jobs):
    target = f"/brands/{alpha.brand.id}/plans"
    login = client.get(f"/login?next={quote(target)}").get_data(as_text=True)
    assert _nexts(login, "href", "/password/forgot") == [target]

    forgot = client.get(f"/password/forgot?next={quote(target)}").get_data(as_text=True)
    assert _nexts(forgot, "action", "/password/forgot") == [target]
    assert _nexts(forgot, "href", "/login") == [target]  # "Back to sign in" keeps it too

    sent = client.post(
        f"/password/forgot?next={quote(target, safe='')}", data={"email": "owner@alpha.test"}
    )
    assert sent.status_code == 200
    run_jobs()
    path = delivered_link("owner@alpha.test", RESET_LINK)
    assert parse_qs(urlsplit(path).query)["next"] == [target]

    form = client.get(path).get_data(as_text=True)
    assert _nexts(form, "action", path.split("?")[0]) == [target]  # the form posts it on
    resp = client.post(
        path, data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    )
    assert resp.status_code == 302
    assert resp.headers["Location"] == target


def test_password_reset_drops_a_hostile_next(client, alpha, run_jobs):
    client.post(
        f"/password/forgot?next={quote(HOSTILE, safe='')}", data={"email": "owner@alpha.test"}
    )
    run_jobs()
    path = delivered_link("owner@alpha.test", RESET_LINK)
    assert "next" not in path and "evil" not in path

    tampered = f"{path}?next={quote(HOSTILE, safe='')}"
    assert "evil" not in _main(client.get(tampered).get_data(as_text=True))
    resp = client.post(
        tampered,
        data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"},
    )
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"


# --- invitations -------------------------------------------------------------------------


def test_new_account_accepting_an_invitation_goes_to_next(client, alpha):
    raw = _invite(alpha, "joiner@example.com")
    target = f"/brands/{alpha.brand.id}/goals"
    url = f"/invitations/{raw}?next={quote(target, safe='')}"
    page = client.get(url).get_data(as_text=True)
    assert _nexts(page, "action", f"/invitations/{raw}") == [target]

    resp = client.post(url, data={"name": "Joiner"})
    assert resp.status_code == 302
    assert resp.headers["Location"] == target


def test_new_account_accepting_with_a_hostile_next_lands_on_the_brand(client, alpha):
    raw = _invite(alpha, "joiner@example.com")
    url = f"/invitations/{raw}?next={quote(HOSTILE, safe='')}"
    assert "evil" not in _main(client.get(url).get_data(as_text=True))

    resp = client.post(url, data={"name": "Joiner"})
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"/brands/{alpha.brand.id}"


def _existing_elsewhere(world) -> str:
    n = next(factories._seq)
    m = factories.member(world.agency, "client_team", factories.user(f"known{n}@example.com"))
    db.session.commit()
    return m.user.email


def test_existing_account_signs_in_then_joins_and_goes_to_next(client, alpha, bravo):
    email = _existing_elsewhere(bravo)
    raw = _invite(alpha, email)
    target = f"/brands/{alpha.brand.id}/plans"
    here = f"/invitations/{raw}?next={quote(target, safe='')}"

    page = client.get(here).get_data(as_text=True)
    # "Sign in to accept" comes back to this page, its own next kept; so does the emailed link.
    [back] = _nexts(page, "href", "/login")
    assert urlsplit(back).path == f"/invitations/{raw}"
    assert parse_qs(urlsplit(back).query)["next"] == [target]
    assert _hidden_nexts(page) == [back]
    here = back

    signed_in = client.post("/login", data={"email": email, "password": PASSWORD, "next": here})
    assert signed_in.headers["Location"] == here
    join = client.get(here)
    assert "Join Alpha Agency" in join.get_data(as_text=True)
    resp = client.post(here)
    assert resp.status_code == 302
    assert resp.headers["Location"] == target


def test_existing_account_with_a_hostile_next_lands_on_the_brand(client, alpha, bravo):
    email = _existing_elsewhere(bravo)
    raw = _invite(alpha, email)
    url = f"/invitations/{raw}?next={quote(HOSTILE, safe='')}"
    page = client.get(url).get_data(as_text=True)
    assert "evil" not in _main(page)

    client.post("/login", data={"email": email, "password": PASSWORD})
    resp = client.post(url)
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"/brands/{alpha.brand.id}"
