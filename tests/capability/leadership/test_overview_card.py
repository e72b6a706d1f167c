"""The brand overview's "Team capability" card: what a client leader reads on her phone."""

from __future__ import annotations

import re

from saas.extensions import db
from saas.models import User
from tests.capability.leadership.seed import HIGH_GOAL, seed_capability


def _card(page: str) -> str:
    found = re.search(r'<section class="card capability-card".*?</section>', page, re.S)
    assert found, "no capability card on the overview"
    return found.group(0)


def _page(client, world) -> str:
    resp = client.get(f"/brands/{world.brand.id}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_leader_reads_strengths_gaps_with_goals_at_risk_and_hours(alpha, client, login_as):
    seeded = seed_capability(alpha)
    login_as(alpha.leader)
    card = _card(_page(client, alpha))
    assert "Team capability" in card
    # The worst gap first: nobody knows social commerce, and it puts the high goal at risk.
    gaps = card.split("Gaps that put goals at risk", 1)[1].split("Strengths", 1)[0]
    assert gaps.index("Social commerce") < gaps.index("Short video") < gaps.index("TikTok")
    assert f'href="/goals/{seeded.goals["high"]}"><bdi>{HIGH_GOAL}</bdi>' in gaps
    assert "Best on the team: None" in gaps and "Best on the team: Aware" in gaps
    assert "<bdi>App orders</bdi>" in gaps
    # The submitted plan's campaign is not for a leader's eyes.
    assert "Snap" not in card and "more gap" not in card
    strengths = card.split("Strengths", 1)[1]
    assert "Instagram" in strengths and "Can teach others" in strengths
    assert "2 of 12 hours done" in card and '<progress max="100" value="17"' in card
    assert "Being learned: TikTok" in card
    assert "empty-state" not in card


def test_arabic_leader_reads_the_card_in_arabic(alpha, client, login_as):
    seed_capability(alpha)
    user = db.session.get(User, alpha.leader.user_id)
    user.locale = "ar"
    db.session.commit()
    login_as(alpha.leader)
    page = _page(client, alpha)
    assert 'dir="rtl"' in page
    card = _card(page)
    assert "قدرات الفريق" in card and "فجوات تعرّض الأهداف للخطر" in card
    assert "التجارة الاجتماعية" in card and "تيك توك" in card  # skill names in Arabic
    assert "نقاط القوة" in card and "إنستغرام" in card
    assert "أُنجزت ٢ من ١٢ ساعة" in card or "أُنجزت 2 من 12 ساعة" in card
    assert f"<bdi>{HIGH_GOAL}</bdi>" in card  # the goal's own words keep their direction
    assert "Team capability" not in card and "Strengths" not in card


def test_staff_see_every_current_plans_gaps(alpha, client, login_as):
    seed_capability(alpha)
    login_as(alpha.consultant)
    card = _card(_page(client, alpha))
    # The submitted plan's Snapchat gap is the fourth (a low goal): counted, not listed.
    assert "1 more gap" in card and "YouTube" not in card


def test_no_team_shows_a_teaching_empty_state(alpha, client, login_as, app):
    login_as(alpha.leader)
    card = _card(_page(client, alpha))
    assert 'class="empty-state"' in card
    assert "Record the client's social team" in card
    assert "Record the team" not in card  # leaders read; the agency records the team
    client.post("/logout")
    login_as(alpha.consultant)
    card = _card(_page(client, alpha))
    assert 'class="empty-state"' in card
    if "capability.team" in app.view_functions:
        assert f'href="/brands/{alpha.brand.id}/' in card and "Record the team" in card
    else:
        assert "Record the team" not in card


def test_another_brands_team_never_shows(alpha, bravo, client, login_as):
    seed_capability(alpha, brand=alpha.other_brand, prefix="OTHER ")
    seed_capability(bravo, prefix="BRAVO ")
    login_as(alpha.owner)
    card = _card(_page(client, alpha))
    assert 'class="empty-state"' in card and "OTHER" not in card and "BRAVO" not in card
