"""Language-aware wording: lists with the reader's comma, Arabic punctuation in generated
text, signed numbers that read "+10" / "−10" (never "(+-10)"), arrows that point the way
the page reads, and numbers kept with their units."""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal

from saas.presentation.wording import LRM, MINUS, join_list, punctuate, signed


def test_lists_use_the_language_comma():
    assert join_list(["Instagram", "TikTok", "X"], "en") == "Instagram, TikTok, X"
    assert join_list(["إنستغرام", "تيك توك"], "ar") == "إنستغرام، تيك توك"
    assert join_list(["a", None, "", "b"], "ar_SA") == "a، b"


def test_generated_arabic_gets_arabic_marks():
    assert punctuate("جاهز؟ نعم; لا, ربما?", "ar") == "جاهز؟ نعم؛ لا، ربما؟"
    assert punctuate("Ready? yes; no", "en") == "Ready? yes; no"


def test_signed_numbers():
    assert signed(10, "en") == "+10"
    assert signed(-10, "en") == f"{MINUS}10"
    assert signed(-1234.5, "en") == f"{MINUS}1,234.5"
    assert signed(0, "en") == "0"
    assert signed(None, "en") == ""
    assert signed(-10, "ar") == f"{LRM}{MINUS}10"
    assert signed(12.5, "ar") == f"{LRM}+{format_decimal(12.5, locale='ar')}"


@pytest.mark.parametrize(("lang", "arrow"), [("en", "→"), ("ar", "←")])
def test_goals_progression_points_the_reading_way(alpha, login_as, client, lang, arrow):
    from saas.extensions import db
    from tests import factories

    factories.planning_data(alpha.agency, alpha.brand, goals=1, campaigns=1, calendar=0)
    db.session.commit()
    login_as(alpha.owner)
    client.get(f"/language/{lang}?next=/")
    html = client.get(f"/brands/{alpha.brand.id}/goals").get_data(as_text=True)
    assert f'<span class="dir-arrow" aria-hidden="true">{arrow}</span>' in html
    other = "←" if arrow == "→" else "→"
    assert f'<span class="dir-arrow" aria-hidden="true">{other}</span>' not in html
    assert '<span dir="ltr">' not in html.split("<tbody>", 1)[1]


def test_the_helpers_are_template_globals(db_app):
    from flask import render_template_string

    with db_app.test_request_context("/"):
        text = render_template_string(
            "{{ signed(-10) }}|{{ ['a', 'b'] | join_list }}|{{ arrow() }}|{{ list_separator() }}"
            "|{{ timezone_label('Asia/Riyadh') }}"
        )
    assert text.startswith(f"{MINUS}10|a, b|→|, |Riyadh (")
