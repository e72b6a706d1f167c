"""Which language does a person read, and does the page turn right to left for Arabic?"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from flask import g
from flask_login import login_user

from saas.i18n import select_locale
from saas.models import User


def _html_tag(body: str) -> str:
    match = re.search(r"<html[^>]*>", body)
    assert match, "the page has no <html> tag"
    return match.group(0)


def test_arabic_cookie_turns_the_layout_right_to_left(client):
    client.set_cookie("lang", "ar")
    resp = client.get("/no-such-page")
    assert resp.status_code == 404
    tag = _html_tag(resp.get_data(as_text=True))
    assert 'lang="ar"' in tag
    assert 'dir="rtl"' in tag


def test_layout_is_left_to_right_in_english_by_default(client):
    resp = client.get("/no-such-page")
    tag = _html_tag(resp.get_data(as_text=True))
    assert 'lang="en"' in tag
    assert 'dir="ltr"' in tag


def test_arabic_browser_gets_arabic_without_a_cookie(client):
    resp = client.get("/no-such-page", headers={"Accept-Language": "ar-SA,ar;q=0.9"})
    assert 'dir="rtl"' in _html_tag(resp.get_data(as_text=True))


def test_english_cookie_wins_over_an_arabic_browser(client):
    client.set_cookie("lang", "en")
    resp = client.get("/no-such-page", headers={"Accept-Language": "ar"})
    assert 'dir="ltr"' in _html_tag(resp.get_data(as_text=True))


def test_login_page_follows_the_language_cookie(client):
    client.set_cookie("lang", "ar")
    resp = client.get("/login")
    assert resp.status_code == 200
    tag = _html_tag(resp.get_data(as_text=True))
    assert 'lang="ar"' in tag and 'dir="rtl"' in tag


# --- selection order: user setting -> brand language -> cookie -> Accept-Language ---------


@pytest.fixture
def request_with(app):
    """select_locale() in a fresh request with the given cookie, header, brand and user."""

    def _enter(cookie=None, accept=None, brand_language=None, user_locale="unset", agency=None):
        headers = {}
        if accept:
            headers["Accept-Language"] = accept
        if cookie:
            headers["Cookie"] = f"lang={cookie}"
        ctx = app.test_request_context("/", headers=headers)
        ctx.push()
        if brand_language:
            g.brand = SimpleNamespace(language=brand_language)
        if agency:
            g.agency = SimpleNamespace(default_locale=agency)
        if user_locale != "unset":
            # A real User, never saved: selection must not need the database.
            login_user(
                User(
                    id=1,
                    email="u@example.test",
                    name="U",
                    locale=user_locale,
                    is_active_user=True,
                    session_version="v1",
                )
            )
        return ctx

    def enter(**kw):
        ctx = _enter(**kw)
        try:
            return select_locale()
        finally:
            ctx.pop()

    return enter


def test_user_setting_beats_brand_cookie_and_browser(request_with):
    assert request_with(user_locale="ar", brand_language="en", cookie="en", accept="en") == "ar"
    assert request_with(user_locale="en", brand_language="ar", cookie="ar", accept="ar") == "en"


def test_brand_language_applies_when_the_user_has_not_chosen(request_with):
    assert request_with(user_locale=None, brand_language="ar", cookie="en", accept="en") == "ar"


def test_cookie_applies_when_neither_user_nor_brand_decides(request_with):
    assert request_with(user_locale=None, cookie="ar", accept="en") == "ar"
    assert request_with(cookie="en", accept="ar") == "en"


def test_browser_language_applies_last(request_with):
    assert request_with(accept="ar-EG,ar;q=0.9,en;q=0.5") == "ar"
    assert request_with(accept="fr-FR,en;q=0.5") == "en"


def test_unknown_values_are_ignored(request_with):
    assert request_with(user_locale="fr", brand_language="de", cookie="xx", accept="ar") == "ar"


def test_agency_default_then_english_when_nothing_else_says(request_with):
    assert request_with(agency="ar") == "ar"
    assert request_with() == "en"


def test_arabic_visitor_reads_the_sign_in_page_in_arabic(client):
    """Is the catalogue compiled at start-up and used (not only dir="rtl")?"""
    client.set_cookie("lang", "ar")
    body = client.get("/login").get_data(as_text=True)
    assert "تسجيل الدخول" in body  # "Sign in"
    assert "Skip to content" not in body
    assert "انتقل إلى المحتوى" in body


def test_catalogue_is_recompiled_when_the_po_changes(tmp_path, monkeypatch):
    import os

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import write_po

    from saas import i18n

    source = tmp_path / "src"
    po = source / "ar" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)

    def write(translation: str, mtime_ns: int) -> None:
        catalog = Catalog(locale="ar")
        catalog.add("Home", translation)
        with po.open("wb") as fh:
            write_po(fh, catalog)
        os.utime(po, ns=(mtime_ns, mtime_ns))

    def compiled() -> str:
        target = i18n.compile_catalogues(tmp_path / "out")
        with (target / "ar" / "LC_MESSAGES" / "messages.mo").open("rb") as fh:
            return read_mo(fh).get("Home").string

    monkeypatch.setattr(i18n, "SOURCE_DIR", source)
    write("الرئيسية", 2_000_000_000 * 10**9)
    assert compiled() == "الرئيسية"
    # An *older* .po (as after switching branches) must still replace the .mo.
    write("البداية", 1_000_000_000 * 10**9)
    assert compiled() == "البداية"


def test_use_brand_switches_the_language_even_after_something_was_translated(app):
    from flask_babel import get_locale

    from saas.i18n import use_brand

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert str(get_locale()) == "en"  # Flask-Babel now caches "en" for this request
        use_brand(SimpleNamespace(language="ar"))
        assert str(get_locale()) == "ar"
