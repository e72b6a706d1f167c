"""Open redirects: every ``next=`` lands on a same-site path, however it is spelt.

Issue 14 item 3. Covers sign-in, the two-factor step, sign-in links, the language switch
and the mark-done form of action items.
"""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import pytest

from tests.accounts.helpers import code, enable_two_factor
from tests.auth.helpers import MAGIC_LINK, delivered_link
from tests.factories import PASSWORD

HOSTILE = [
    "//evil.example",
    "//evil.example/path",
    "https://evil.example",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    " //evil.example",
    "\n//evil.example",
    "///evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",  # stays a path on our host: browsers do not decode it
    "/%5Cevil.example",
    "https:%2F%2Fevil.example",
    "/\u3000/evil.example",
    "//evil.example@tandem.test",
]


def same_site(location: str) -> bool:
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and parts.netloc in ("localhost", "tandem.test")
    # A relative location must be a path, and not one a browser reads as another host.
    return location.startswith("/") and not location.startswith(("//", "/\\"))


def assert_same_site(resp, *, refused_ok: bool = False) -> None:
    """A redirect whose target, resolved as a browser does, is on our host.  The edge may
    instead refuse a request with control characters outright (400)."""
    if refused_ok and resp.status_code == 400:
        return
    assert resp.status_code in (302, 303), resp.status_code
    location = resp.headers["Location"]
    assert same_site(location), location
    assert urlsplit(urljoin("http://tandem.test/login", location)).netloc == "tandem.test"


@pytest.mark.parametrize("target", HOSTILE)
def test_sign_in_never_sends_people_to_another_site(client, alpha, target):
    resp = client.post(
        "/login", data={"email": alpha.owner.user.email, "password": PASSWORD, "next": target}
    )
    assert_same_site(resp, refused_ok=True)
    resp = client.post(
        f"/login?next={quote(target)}",
        data={"email": alpha.owner.user.email, "password": PASSWORD},
    )
    assert_same_site(resp, refused_ok=True)


@pytest.mark.parametrize("target", HOSTILE)
def test_the_language_switch_never_sends_people_to_another_site(client, target):
    assert_same_site(client.get(f"/language/ar?next={quote(target)}"), refused_ok=True)


def test_a_local_next_is_kept():
    """The other side: a real path of ours is where sign-in goes (the test can fail)."""
    from saas.web.auth.views import safe_next

    assert safe_next("/brands/3?tab=plans") == "/brands/3?tab=plans"
    assert all(safe_next(t) in (None, t) for t in HOSTILE)
    assert safe_next("//evil.example") is None


def test_two_factor_and_sign_in_links_keep_next_on_the_site(client, alpha, run_jobs):
    email = alpha.leader.user.email  # sign-in links are for client users
    secret, _codes = enable_two_factor(client, email)
    resp = client.post(
        "/login", data={"email": email, "password": PASSWORD, "next": "//evil.example"}
    )
    assert resp.status_code in (302, 303)
    assert "/login/two-factor" in resp.headers["Location"]
    assert_same_site(client.post("/login/two-factor", data={"code": code(secret)}))
    client.post("/logout")

    # The sign-in link carries its own next: an outside one is dropped when it is asked for.
    client.post("/login/link", data={"email": email, "next": "https://evil.example"})
    run_jobs()
    link = delivered_link(email, MAGIC_LINK)
    assert "evil" not in link
    resp = client.post(link + ("&" if "?" in link else "?") + "next=" + quote("//evil.example"))
    assert resp.status_code in (302, 303)
    resp = client.post("/login/two-factor", data={"code": code(secret, 1)})
    assert_same_site(resp)


def test_mark_done_goes_back_only_to_a_page_of_the_brand(client, alpha, login_as):
    from saas.web.sessions import minutes

    app = client.application
    with app.test_request_context(method="POST", data={"next": "//evil.example/brands/1/"}):
        assert minutes._back(alpha.brand).startswith(f"/brands/{alpha.brand.id}/")
    with app.test_request_context(
        method="POST", data={"next": f"/brands/{alpha.brand.id}/\\evil.example"}
    ):
        assert "evil" not in minutes._back(alpha.brand)
