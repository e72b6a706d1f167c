"""Choosing English or Arabic: a cookie for visitors, the profile for signed-in users."""

from __future__ import annotations

from sqlalchemy import select

from saas.extensions import db
from saas.models import User


def test_visitor_choosing_arabic_gets_a_year_long_lax_cookie_and_an_rtl_page(client):
    resp = client.get("/language/ar?next=/password/forgot")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/password/forgot"
    [cookie] = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("lang=")]
    assert cookie.startswith("lang=ar;")
    assert "Max-Age=31536000" in cookie
    assert "SameSite=Lax" in cookie
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page


def test_unknown_language_is_not_found(client):
    assert client.get("/language/fr").status_code == 404


def test_offsite_next_is_ignored(client):
    resp = client.get("/language/en?next=https://evil.example/")
    assert resp.headers["Location"] == "/login"


def test_signed_in_user_choice_is_saved_to_their_profile(client, alpha, login_as):
    login_as(alpha.consultant)
    resp = client.get("/language/ar")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "consultant@alpha.test"))
    assert user.locale == "ar"
