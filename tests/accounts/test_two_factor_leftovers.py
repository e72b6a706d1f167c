"""Two-factor leftovers: a QR code on the set-up page, the agency's requirement reaching
sessions already signed in, and TOTP secrets sealed at rest."""

from __future__ import annotations

import base64
import html
import re

import pytest
import segno

from saas.extensions import db
from saas.models import User
from saas.presentation.qr import OPTIONS
from saas.services import secret_box, two_factor
from tests.accounts.helpers import SECRET, URI, code, enable_two_factor, set_up_signed_in, text
from tests.factories import PASSWORD

SVG = re.compile(r'<svg [^>]*class="qr-code".*?</svg>', re.S)


def _login(client, email: str):
    return client.post("/login", data={"email": email, "password": PASSWORD})


def _stored(user_id: int) -> str | None:
    db.session.expire_all()
    return db.session.get(User, user_id).totp_secret


# --- the QR code -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("en", "QR code to scan with your authenticator app"),
        ("ar", "رمز QR لمسحه بتطبيق المصادقة"),
    ],
)
def test_the_set_up_page_draws_the_otpauth_uri_as_an_inline_qr_code(
    client, alpha, login_as, lang, title
):
    login_as(alpha.owner)
    client.get(f"/language/{lang}")
    assert client.post("/settings/two-factor/start").status_code == 303
    resp = client.get("/settings/two-factor")
    page = resp.get_data(as_text=True)

    uri = html.unescape(URI.search(page).group(1))
    svg = SVG.search(page)
    assert svg, "no inline QR code on the set-up page"
    expected = segno.make_qr(uri, error="m").svg_inline(title=title, **OPTIONS)
    assert svg.group(0) == expected  # the very URI the link opens, nothing else
    assert SECRET.search(page)  # the key is still there to type by hand
    # Nothing the CSP would have to allow: no external image, no inline style or script.
    assert "style=" not in svg.group(0) and "href" not in svg.group(0)
    csp = resp.headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in csp and "style-src 'self';" in csp
    assert "unsafe-inline" not in csp


def test_no_qr_code_once_two_factor_is_on(client, alpha, login_as):
    login_as(alpha.owner)
    set_up_signed_in(client)
    page = client.get("/settings/two-factor").get_data(as_text=True)
    assert not SVG.search(page) and not URI.search(page)


# --- the agency's requirement reaches sessions already signed in -----------------------------


def test_requiring_two_factor_sends_members_already_signed_in_to_set_up_at_once(db_app, alpha):
    owner, consultant, team = (db_app.test_client() for _ in range(3))
    secret, _codes = enable_two_factor(owner, "owner@alpha.test")
    _login(owner, "owner@alpha.test")
    owner.post("/login/two-factor", data={"code": code(secret, 1)})

    # The consultant and a client user signed in before the rule existed.
    _login(consultant, "consultant@alpha.test")
    _login(team, "team@alpha.test")
    assert consultant.get(f"/brands/{alpha.brand.id}").status_code == 200

    turned_on = owner.post("/settings/two-factor/requirement", data={"require_two_factor": "y"})
    assert turned_on.status_code == 303

    # Their very next request leads to the set-up, not only their next sign-in.
    blocked = consultant.get(f"/brands/{alpha.brand.id}")
    assert blocked.status_code == 302
    assert blocked.headers["Location"] == "/settings/two-factor"
    assert "Set it up to continue" in text(consultant.get("/settings/two-factor"))
    assert team.get(f"/brands/{alpha.brand.id}").status_code == 200  # clients: not asked
    assert owner.get(f"/brands/{alpha.brand.id}").status_code == 200  # has it already

    # Turned off again: free on the next request too.
    owner.post("/settings/two-factor/requirement", data={})
    assert consultant.get(f"/brands/{alpha.brand.id}").status_code == 200


# --- secrets at rest ---------------------------------------------------------------------------


def test_the_secret_is_stored_sealed_and_still_signs_in(client, alpha):
    user_id = alpha.owner.user_id
    secret, _codes = enable_two_factor(client, "owner@alpha.test")

    stored = _stored(user_id)
    assert stored.startswith("v1$") and len(stored) <= 64  # fits the column
    assert secret not in stored and secret.lower() not in stored.lower()
    raw = base64.urlsafe_b64decode(stored[3:] + "=" * (-len(stored[3:]) % 4))
    assert base64.b32decode(secret) not in raw  # the key's bytes are not in it either

    _login(client, "owner@alpha.test")
    resp = client.post("/login/two-factor", data={"code": code(secret)})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_a_secret_stored_in_plain_text_before_still_works_and_is_sealed_when_read(client, alpha):
    user_id = alpha.owner.user_id
    secret, _codes = enable_two_factor(client, "owner@alpha.test")
    user = db.session.get(User, user_id)
    user.totp_secret = secret  # as every secret was stored before sealing
    db.session.commit()

    _login(client, "owner@alpha.test")
    resp = client.post("/login/two-factor", data={"code": code(secret)})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    stored = _stored(user_id)
    assert stored.startswith("v1$") and secret not in stored


def test_the_seal_command_seals_every_plain_secret_once_and_sign_in_still_works(
    client, alpha, db_app
):
    owner_id, consultant_id = alpha.owner.user_id, alpha.consultant.user_id
    secret, _codes = enable_two_factor(client, "owner@alpha.test")
    client.get("/logout")
    db.session.get(User, owner_id).totp_secret = secret  # as stored before sealing
    db.session.get(User, consultant_id).totp_secret = "not-base32!"  # hand-made: left alone
    db.session.commit()

    result = db_app.test_cli_runner().invoke(args=["accounts", "seal-secrets"])
    assert result.exit_code == 0, result.output
    assert "Sealed 1 two-factor key(s)" in result.output
    assert "Left 1 key(s)" in result.output
    stored = _stored(owner_id)
    assert stored.startswith("v1$") and secret not in stored
    assert _stored(consultant_id) == "not-base32!"

    again = db_app.test_cli_runner().invoke(args=["accounts", "seal-secrets"])
    assert "Sealed 0 two-factor key(s)" in again.output
    assert _stored(owner_id) == stored  # not sealed twice

    _login(client, "owner@alpha.test")
    resp = client.post("/login/two-factor", data={"code": code(secret)})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_a_sealed_secret_opens_only_for_its_user_and_with_its_key(client, alpha, db_app):
    enable_two_factor(client, "owner@alpha.test")
    owner = db.session.get(User, alpha.owner.user_id)
    other = db.session.get(User, alpha.consultant.user_id)
    with db_app.test_request_context():
        assert two_factor.secret_of(owner)
        # Copied to another person's row, it does not open there.
        other.totp_secret = owner.totp_secret
        assert two_factor.secret_of(other) is None
        # Altered by one character, it does not open.
        sealed = owner.totp_secret
        owner.totp_secret = sealed[:-1] + ("A" if sealed[-1] != "A" else "B")
        assert two_factor.secret_of(owner) is None
        owner.totp_secret = sealed
        # Another key (a rotated SECRET_KEY, or a TWO_FACTOR_KEY set later): no secret,
        # so no code is accepted, rather than an error.
        db_app.config["TWO_FACTOR_KEY"] = "another key entirely"
        try:
            assert two_factor.secret_of(owner) is None
            assert two_factor.check_code(owner, "123456") is None
        finally:
            db_app.config["TWO_FACTOR_KEY"] = None
        assert two_factor.secret_of(owner)
    db.session.rollback()


def test_secret_box_seals_with_a_fresh_nonce_and_refuses_anything_altered():
    master, context = b"k" * 32, b"totp-secret:7"
    a = secret_box.seal(b"twenty bytes of key!", master=master, context=context)
    b = secret_box.seal(b"twenty bytes of key!", master=master, context=context)
    assert a != b  # a random nonce each time
    assert len(a) == 63
    assert secret_box.open_sealed(a, master=master, context=context) == b"twenty bytes of key!"
    for wrong in (
        {"master": b"x" * 32, "context": context},
        {"master": master, "context": b"totp-secret:8"},
    ):
        with pytest.raises(secret_box.Unreadable):
            secret_box.open_sealed(a, **wrong)
    body = bytearray(base64.urlsafe_b64decode(a[3:] + "=" * (-len(a[3:]) % 4)))
    body[10] ^= 1  # one bit of the ciphertext
    flipped = "v1$" + base64.urlsafe_b64encode(bytes(body)).decode().rstrip("=")
    with pytest.raises(secret_box.Unreadable):
        secret_box.open_sealed(flipped, master=master, context=context)
    with pytest.raises(secret_box.Unreadable):
        secret_box.open_sealed("JBSWY3DPEHPK3PXP", master=master, context=context)
