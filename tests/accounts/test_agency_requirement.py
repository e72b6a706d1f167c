"""An owner can require two-factor sign-in of the whole agency's owners and consultants."""

from __future__ import annotations

from tests.accounts.helpers import code, enable_two_factor, set_up_signed_in, text
from tests.auth.helpers import audit_actions
from tests.factories import PASSWORD


def _require(client) -> None:
    resp = client.post("/settings/two-factor/requirement", data={"require_two_factor": "y"})
    assert resp.status_code == 303


def test_owner_must_have_two_factor_before_requiring_it(client, alpha, login_as):
    login_as(alpha.owner)
    client.post("/settings/two-factor/requirement", data={"require_two_factor": "y"})
    page = text(client.get("/settings/"))
    assert "Turn on two-factor sign-in for yourself first" in page
    assert 'name="require_two_factor" type="checkbox" value="y">' in page  # still unticked


def test_required_two_factor_sends_staff_to_set_up_and_nowhere_else(client, alpha, api):
    agency_id = alpha.agency.id
    secret, _codes = enable_two_factor(client, "owner@alpha.test")
    client.post("/login", data={"email": "owner@alpha.test", "password": PASSWORD})
    client.post("/login/two-factor", data={"code": code(secret, 1)})
    _require(client)
    assert "checked" in text(client.get("/settings/"))
    assert "agency.two_factor_required" in audit_actions(agency_id)
    client.post("/logout")

    # A consultant without it: signed in, but every page leads to the set-up.
    resp = client.post("/login", data={"email": "consultant@alpha.test", "password": PASSWORD})
    assert resp.headers["Location"] == "/"
    for path in ("/", "/settings/profile", "/settings/tokens", f"/brands/{alpha.brand.id}"):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked.headers["Location"] == "/settings/two-factor", path
    assert client.post("/settings/tokens", data={"name": "x"}).status_code == 302
    page = text(client.get("/settings/two-factor"))
    assert "Your agency requires two-factor sign-in. Set it up to continue." in page
    # API tokens keep working meanwhile.
    assert api(alpha.tokens["consultant"]).get("/api/v1/me").status_code == 200
    # ...but no new one is issued for a password alone.
    exchange = api(None).post(
        "/api/v1/tokens", json={"email": "consultant@alpha.test", "password": PASSWORD}
    )
    assert exchange.status_code == 403
    assert exchange.get_json()["error"]["code"] == "two_factor_setup_required"

    # Signing out still works, and signing in again leads straight back to the set-up.
    assert client.post("/logout").headers["Location"] == "/login"
    client.post("/login", data={"email": "consultant@alpha.test", "password": PASSWORD})
    assert client.get("/").headers["Location"] == "/settings/two-factor"

    set_up_signed_in(client)
    assert client.get("/").status_code == 200  # free again

    # Turning it off is refused while the agency requires it.
    refused = client.post("/settings/two-factor/disable", data={"password": PASSWORD})
    assert refused.status_code == 409
    assert "requires two-factor sign-in" in text(refused)


def test_client_users_are_not_asked_to_set_up(client, alpha):
    from saas.extensions import db
    from tenants.context import tenant_scope
    from tenants.models import Agency

    with tenant_scope(alpha.agency.id):
        db.session.get(Agency, alpha.agency.id).require_two_factor = True
        db.session.commit()
    client.post("/login", data={"email": "team@alpha.test", "password": PASSWORD})
    assert client.get(f"/brands/{alpha.brand.id}").status_code == 200


def test_two_factor_pages_speak_arabic_right_to_left(client, alpha, login_as):
    login_as(alpha.owner)
    client.get("/language/ar")
    page = text(client.get("/settings/two-factor"))
    assert 'dir="rtl"' in page
    assert "تسجيل الدخول بخطوتين متوقف" in page
    client.post("/settings/two-factor/start")
    page = text(client.get("/settings/two-factor"))
    assert "أضف Tandem إلى تطبيق المصادقة" in page
    assert '<code dir="ltr" class="secret">' in page  # the key reads left to right
