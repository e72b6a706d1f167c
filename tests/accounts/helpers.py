"""Turning two-factor sign-in on through the pages, and making codes as the phone would."""

from __future__ import annotations

import html
import re
import time

import pyotp

from tests.factories import PASSWORD

SECRET = re.compile(r'<code dir="ltr" class="secret">([A-Z2-7 ]+)</code>')
URI = re.compile(r'href="(otpauth://[^"]+)"')
RECOVERY = re.compile(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>")


def code(secret: str, step: int = 0) -> str:
    """The code the app shows ``step`` time steps from now (one step either side is valid)."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(int(time.time() // totp.interval) + step)


def enable_two_factor(client, email: str) -> tuple[str, list[str]]:
    """Sign in, set up two-factor sign-in, sign out.  Returns the secret and recovery codes."""
    resp = client.post("/login", data={"email": email, "password": PASSWORD})
    assert resp.status_code == 302, resp.status_code
    secret, codes = set_up_signed_in(client)
    client.post("/logout")
    return secret, codes


def set_up_signed_in(client) -> tuple[str, list[str]]:
    assert client.post("/settings/two-factor/start").status_code == 303
    page = client.get("/settings/two-factor").get_data(as_text=True)
    secret = SECRET.search(page).group(1).replace(" ", "")
    resp = client.post("/settings/two-factor/confirm", data={"code": code(secret, -1)})
    assert resp.status_code == 200, resp.status_code
    codes = RECOVERY.findall(resp.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def signed_in_user_id(client) -> str | None:
    with client.session_transaction() as sess:
        return sess.get("_user_id")


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))
