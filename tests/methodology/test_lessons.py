"""The lessons behind the findings: one per rule, in both languages, linked from findings."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from saas.domain.alignment.rules import RULES
from saas.presentation.lessons import LESSONS, lesson_for


def test_every_rule_has_a_lesson_with_all_four_parts_in_arabic(db_app):
    assert set(LESSONS) == set(RULES)
    with db_app.test_request_context("/"), force_locale("ar"):
        for rule in RULES:
            lesson = lesson_for(rule)
            assert lesson is not None
            for part in (lesson.question, lesson.why, lesson.how, lesson.example):
                text = str(part)
                assert text.strip(), rule
                assert any("\u0600" <= ch <= "\u06ff" for ch in text), (rule, text)


@pytest.mark.parametrize("who", ["owner", "consultant", "leader", "team"])
def test_everyone_in_the_agency_can_read_a_lesson(alpha, login_as, client, who):
    login_as(getattr(alpha, who))
    resp = client.get("/methodology/lessons/capability_gap")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert str(lesson_for("capability_gap").question) in page
    assert "Why it matters for your goals" in page


def test_the_lesson_reads_in_arabic(alpha, login_as, client):
    login_as(alpha.consultant)
    client.get("/language/ar?next=/")
    page = client.get("/methodology/lessons/kpi_objective_mismatch").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert "لماذا" in page  # "Why it matters for your goals" in Arabic


def test_an_unknown_rule_has_no_lesson(alpha, login_as, client):
    login_as(alpha.owner)
    assert client.get("/methodology/lessons/no_such_rule").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    resp = client.get("/methodology/lessons/capability_gap")
    assert resp.status_code in (302, 401)
