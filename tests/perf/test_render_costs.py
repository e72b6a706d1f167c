"""Rendering cost that must not grow with a plan: the plan and review pages look up the
reader's language a fixed number of times per request, however many campaigns and findings
they print, and they print the same words as before in both languages.

Like the query counts (``test_query_counts.py``) these count calls instead of timing
requests; ``bench/http.py`` measures time.
"""

from __future__ import annotations

from contextlib import contextmanager

import flask_babel
import pytest
from markupsafe import Markup
from sqlalchemy import select, update

from saas.extensions import db
from saas.i18n import template_gettext, translated
from saas.models import Review, User
from saas.presentation.labels.plans import NETWORK_LABELS
from tenants.context import tenant_scope
from tests import factories

SMALL = {"goals": 3, "campaigns": 3, "calendar": 20}
BIG = {"goals": 30, "campaigns": 120, "calendar": 600}


@contextmanager
def count_locale_lookups(monkeypatch):
    """Counts Flask-Babel resolving the request's catalogue (what every ``gettext``, lazy
    string and formatting filter used to do per call)."""
    counter = {"n": 0}
    original = flask_babel.Domain.get_translations

    def counting(self):
        counter["n"] += 1
        return original(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counting)
    try:
        yield counter
    finally:
        monkeypatch.setattr(flask_babel.Domain, "get_translations", original)


@pytest.fixture
def two_plans(alpha, login_as, client):
    small = factories.planning_data(alpha.agency, alpha.brand, **SMALL)
    big = factories.planning_data(alpha.agency, alpha.other_brand, **BIG)
    login_as(alpha.consultant)
    reviews = {}
    for name, plan in (("small", small), ("big", big)):
        resp = client.post(f"/plans/{plan.id}/reviews")
        assert resp.status_code in (302, 303), resp.status_code
        with tenant_scope(alpha.agency.id):
            reviews[name] = db.session.scalar(select(Review.id).where(Review.plan_id == plan.id))
    return {"small": small, "big": big, "reviews": reviews, "alpha": alpha}


def _reader_language(alpha, locale: str) -> None:
    db.session.execute(
        update(User).where(User.id == alpha.consultant.user_id).values(locale=locale)
    )
    db.session.commit()


def _lookups(client, monkeypatch, url: str) -> int:
    client.get(url)  # warm: per-process label maps are filled by the first request
    with count_locale_lookups(monkeypatch) as counter:
        resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return counter["n"]


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("page", ["plan page", "review page"])
def test_language_lookups_do_not_grow_with_the_plan(two_plans, client, monkeypatch, page, locale):
    _reader_language(two_plans["alpha"], locale)
    if page == "plan page":
        urls = {k: f"/plans/{two_plans[k].id}" for k in ("small", "big")}
    else:
        urls = {k: f"/reviews/{two_plans['reviews'][k]}" for k in ("small", "big")}
    small = _lookups(client, monkeypatch, urls["small"])
    big = _lookups(client, monkeypatch, urls["big"])
    assert big == small, f"{page}: {small} lookups for 3 campaigns, {big} for 120"


def test_the_campaign_table_reads_in_arabic(two_plans, client):
    """The labels resolved once per render are the reader's language, not the first
    reader's: English then Arabic then English again, in one process."""
    url = f"/plans/{two_plans['small'].id}"
    alpha = two_plans["alpha"]
    english = client.get(url).get_data(as_text=True)
    _reader_language(alpha, "ar")
    arabic = client.get(url).get_data(as_text=True)
    _reader_language(alpha, "en")
    again = client.get(url).get_data(as_text=True)
    assert 'data-label="Networks"' in english and 'data-label="Networks"' in again
    assert 'data-label="Networks"' not in arabic
    assert "Instagram" in english
    assert 'dir="rtl"' in arabic
    assert '<span class="dir-arrow" aria-hidden="true">←</span>' in arabic
    assert '<span class="dir-arrow" aria-hidden="true">→</span>' in english


def test_template_gettext_behaves_as_jinjas(app):
    """Marked safe, always %-formatted (a literal %% stays one %), ``num`` filled in."""
    from babel.support import NullTranslations

    fns = template_gettext(NullTranslations())
    env = app.jinja_env.overlay(autoescape=True)
    tpl = env.from_string(
        "{{ _('100%% <b>%(x)s</b>', x='<i>') }}|{{ ngettext('%(num)d item', '%(num)d items', 3) }}"
        "|{{ pgettext('ctx', 'Hello %(context)s') }}"
    )
    assert tpl.render(**fns) == "100% <b>&lt;i&gt;</b>|3 items|Hello ctx"


def test_translated_maps_follow_the_language(app):
    with app.test_request_context("/"):
        with flask_babel.force_locale("en"):
            en = translated(NETWORK_LABELS)
        with flask_babel.force_locale("ar"):
            ar = translated(NETWORK_LABELS)
    assert set(en) == set(NETWORK_LABELS)
    assert isinstance(en["instagram"], Markup)
    assert en["instagram"] == "Instagram"
    assert ar["instagram"] != "Instagram"


def test_review_page_renders_each_finding_text_once_per_process(two_plans, client, monkeypatch):
    """Does a second visit to the review page reuse the findings' messages (a finding's
    rule and parameters never change), while still printing them, in each language?"""
    from saas.domain.alignment import messages

    url = f"/reviews/{two_plans['reviews']['big']}"
    calls = {"n": 0}
    original = messages.render

    def counting(*args, **kwargs):
        calls["n"] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(messages, "render", counting)
    for locale in ("en", "ar"):
        _reader_language(two_plans["alpha"], locale)
        first = client.get(url).get_data(as_text=True)
        calls["n"] = 0
        again = client.get(url).get_data(as_text=True)
        assert calls["n"] == 0, f"{locale}: {calls['n']} findings rendered again"
        cards = first.count('class="finding-lesson"')
        assert cards > 0 and again.count('class="finding-lesson"') == cards
