"""Issue 13's browser journey: a consultant opens the review of a plan whose TikTok
short-video campaign the team cannot deliver yet → a capability_gap finding with its fix and
its lesson → "Learn this" plans a learning item for the plan author's team member → the
consultant rates that member higher on the member page → the team submits a new revision
→ the next review raises no capability_gap.

And the capability pages (team, member, learning) at 390 and 1280 px in English and
Arabic, saved to /tmp/shots_cap/ (or $TANDEM_CAP_SHOTS) for a person to look at.

What is checked is what a person sees; the database is read only to confirm it.  The set-up
(team, first ratings, budget, the submitted plan) goes through the services.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import Campaign, Plan
from saas.models.capability import LearningItem
from saas.models.reviews import Finding
from saas.services import learning as learning_service
from saas.services.capability import assessments as assessments_service
from saas.services.capability import team as team_service
from tenants.context import tenant_scope
from tests.factories import PASSWORD, planning_data

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("TANDEM_CAP_SHOTS", "/tmp/shots_cap"))
CAMPAIGN = "Ramadan TikTok"


def _sign_in(browser, base: str, email: str, locale: str = "en-GB"):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = ctx.new_page()
    page.goto(f"{base}/login")
    form = page.locator("form[action$='/login']")
    form.locator("#email").fill(email)
    form.locator("#password").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    return ctx, page


def _shot(page, name: str) -> None:
    """The page at 390 px and at 1280 px, full length, from the top."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    # Nothing may stick out sideways on a phone but the matrix, which scrolls in its box.
    page.set_viewport_size({"width": 390, "height": 844})
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 390, f"{name}: the page is {wide} px wide at 390: {page.evaluate(_WIDE)}"
    page.set_viewport_size({"width": 1280, "height": 900})


# The elements that stick out past a 390 px viewport, to name them when the check fails.
_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter((el) => el.getBoundingClientRect().right > 392)
  .slice(0, 8).map((el) => el.tagName + '.' + el.className)"""


def _flash(page) -> str:
    return " ".join(page.locator(".flashes .flash-success").all_inner_texts())


# --- set-up through the services ---------------------------------------------------------


def _seed(alpha) -> dict[str, int]:
    """Sara (the client team user, who writes the plan) and Omar on the team, rated low in
    TikTok and short video; a budget; a submitted plan with one TikTok short video."""
    with tenant_scope(alpha.agency.id):
        sara = team_service.add(
            alpha.consultant, alpha.brand, {"name": "Sara Haddad", "user_id": alpha.team.user_id}
        )
        omar = team_service.add(alpha.consultant, alpha.brand, {"name": "Omar Nasser"})
        db.session.flush()
        for member, skill, rating in (
            (sara, "tiktok", 1),
            (sara, "short_video", 1),
            (sara, "paid_social", 3),
            (omar, "short_video", 0),
            (omar, "instagram", 3),
        ):
            assessments_service.add(
                alpha.consultant,
                alpha.brand,
                {"member_id": member.id, "skill": skill, "rating": rating},
            )
        learning_service.set_budget(alpha.consultant, alpha.brand, 6)
        db.session.commit()
        ids = {"sara": sara.id, "omar": omar.id}
    plan = planning_data(
        alpha.agency, alpha.brand, goals=1, campaigns=1, calendar=6, author=alpha.team.user
    )
    with tenant_scope(alpha.agency.id):
        campaign = db.session.scalar(
            select(Campaign).where(Campaign.revision_id.in_(select_revisions(plan.id)))
        )
        campaign.name = CAMPAIGN
        campaign.networks = ["tiktok"]
        campaign.format = "short_video"
        db.session.commit()
    ids["plan"] = plan.id
    return ids


def select_revisions(plan_id: int):
    from saas.models import PlanRevision

    return select(PlanRevision.id).where(PlanRevision.plan_id == plan_id)


def _skill_id(alpha, key: str) -> int:
    from saas.services.capability import skills as skills_service

    with tenant_scope(alpha.agency.id):
        return skills_service.by_key(key).id


def _gap_findings(alpha, review_id: int) -> list[Finding]:
    db.session.expire_all()
    with tenant_scope(alpha.agency.id):
        return list(
            db.session.scalars(
                select(Finding).where(
                    Finding.review_id == review_id, Finding.rule == "capability_gap"
                )
            )
        )


def _items(alpha) -> list[LearningItem]:
    db.session.expire_all()
    with tenant_scope(alpha.agency.id):
        return list(db.session.scalars(select(LearningItem).order_by(LearningItem.id)))


def _open_review(page, base: str, plan_id: int) -> int:
    page.goto(f"{base}/plans/{plan_id}")
    page.locator("form[action$='/reviews'] button[type=submit]").click()
    page.wait_for_load_state()
    match = re.search(r"/reviews/(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))


def _rate(page, skill: str, rating: int) -> None:
    form = page.locator("#assess form")
    form.locator("#skill").select_option(skill)
    form.locator(f"input[name=rating][value='{rating}']").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


# --- the journey -------------------------------------------------------------------------


def test_a_capability_gap_closes_after_learning_and_better_ratings(browser, live_server, alpha):
    base = live_server
    ids = _seed(alpha)
    brand_id = alpha.brand.id

    # 1. The consultant opens the review: a capability gap in TikTok, with its fix and lesson.
    cons_ctx, cons = _sign_in(browser, base, "consultant@alpha.test")
    review_id = _open_review(cons, base, ids["plan"])
    gaps = cons.locator("li.finding[id^='finding-']:not([id$='-ref'])", has_text="Capability gap")
    assert gaps.count() == 2, cons.locator("li.finding .finding-rule").all_inner_texts()
    tiktok = gaps.filter(has_text="needs the skill TikTok").first
    assert "How to fix it:" in tiktok.inner_text()
    assert "partner-led session" in tiktok.inner_text()
    lesson = tiktok.locator("a[href$='/methodology/lessons/capability_gap']")
    assert lesson.count() == 1
    tiktok.scroll_into_view_if_needed()
    cons.screenshot(path=str(SHOTS / "journey-01-review-gap.png"))

    # 2. "Learn this": the form is prefilled, the member defaults to the plan's author.
    tiktok.get_by_role("link", name="Learn this").click()
    cons.wait_for_load_state()
    assert re.search(rf"/brands/{brand_id}/findings/\d+/learn$", cons.url)
    form = cons.locator("form[action$='/learn']")
    assert form.locator("#member_id").input_value() == str(ids["sara"])
    assert form.locator("#skill_key").input_value() == "tiktok"
    assert "Capability gap" in form.locator("#title").input_value()
    form.locator("#format").select_option("shadowing")
    form.locator("#hours").fill("3")
    cons.evaluate("() => window.scrollTo(0, 0)")
    cons.screenshot(path=str(SHOTS / "journey-02-learn-this.png"), full_page=True)
    form.locator("button.primary[type=submit]").click()
    cons.wait_for_load_state()
    assert f"/reviews/{review_id}" in cons.url
    assert "Learning item planned for Sara Haddad" in _flash(cons)
    [item] = _items(alpha)
    finding_ids = {
        f.id for f in _gap_findings(alpha, review_id) if f.params.get("skill") == "tiktok"
    }
    assert (item.member_id, item.skill_key, item.format) == (ids["sara"], "tiktok", "shadowing")
    assert item.finding_id in finding_ids

    # 3. After the session, the consultant rates Sara higher on her page.
    cons.goto(f"{base}/brands/{brand_id}/team/{ids['sara']}")
    _rate(cons, "tiktok", 3)
    assert "Rating recorded: TikTok, 3." in _flash(cons)
    _rate(cons, "short_video", 2)
    card = cons.locator(".cap-skills > li", has_text="TikTok")
    assert card.locator(".cap-bar").count() == 2  # 1 then 3: the progress shows
    cons.goto(f"{base}/brands/{brand_id}/team")
    row = cons.locator("tr", has=cons.locator("th[scope=row] a", has_text="TikTok"))
    assert row.locator(".cap-strongest").inner_text().strip() == "3"

    # 4. The consultant asks for changes; the team edits the campaign and submits revision 2.
    cons.goto(f"{base}/reviews/{review_id}")
    cons.locator("#accept-all > summary").click()
    cons.locator("#accept-all button[type=submit]").click()
    cons.wait_for_function("() => !document.getElementById('accept-all')")
    cons.locator("#verdict input[value=needs_changes]").check()
    cons.locator("#verdict button[type=submit]").click()
    cons.wait_for_load_state()

    team_ctx, team = _sign_in(browser, base, "team@alpha.test")
    team.goto(f"{base}/plans/{ids['plan']}")
    team.locator("table.campaigns tbody tr", has_text=CAMPAIGN).locator("a[href$='/edit']").click()
    team.wait_for_load_state()
    team.locator("#kpi_baseline").fill("12")
    team.locator("form.form button.primary[type=submit]").click()
    team.wait_for_load_state()
    assert team.url.endswith(f"/plans/{ids['plan']}"), team.url
    team.locator("form:has(input[name=to][value=submitted]) button").click()
    team.wait_for_load_state()
    with tenant_scope(alpha.agency.id):
        db.session.expire_all()
        assert db.session.get(Plan, ids["plan"]).status == "submitted"

    # 5. The next review raises no capability gap.
    next_id = _open_review(cons, base, ids["plan"])
    assert next_id != review_id
    assert cons.locator("li.finding", has_text="Capability gap").count() == 0
    assert _gap_findings(alpha, next_id) == []
    team_ctx.close()
    cons_ctx.close()


# --- the pages, as images -------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_capability_pages_at_phone_and_desktop_widths(browser, live_server, alpha, lang):
    base = live_server
    ids = _seed(alpha)
    with tenant_scope(alpha.agency.id):
        today = learning_service.today_for(alpha.brand)
        for member, title, fmt, hours in (
            ("sara", "TikTok short video basics", "course", 2),
            ("omar", "Shadow the Ramadan shoot", "shadowing", 3),
            ("sara", "Reading: hooks that hold", "reading", 1),
        ):
            learning_service.create(
                alpha.consultant,
                alpha.brand,
                {
                    "member_id": ids[member],
                    "title": title,
                    "format": fmt,
                    "due_on": today,
                    "hours": hours,
                    "skill_key": "short_video",
                },
            )
        assessments_service.add(
            alpha.consultant,
            alpha.brand,
            {"member_id": ids["sara"], "skill": "tiktok", "rating": 2},
        )
        assessments_service.add(
            alpha.team, alpha.brand, {"member_id": ids["sara"], "skill": "tiktok", "rating": 3}
        )
        db.session.commit()
    ctx, page = _sign_in(
        browser, base, "consultant@alpha.test", "ar-SA" if lang == "ar" else "en-GB"
    )
    page.goto(f"{base}/language/{lang}")
    brand_id = alpha.brand.id
    page.goto(f"{base}/brands/{brand_id}/team")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    _shot(page, f"team-{lang}")
    page.goto(f"{base}/brands/{brand_id}/team/{ids['sara']}")
    _shot(page, f"member-{lang}")
    page.goto(f"{base}/brands/{brand_id}/learning")
    _shot(page, f"learning-{lang}")
    page.goto(f"{base}/settings/skills")
    _shot(page, f"skills-{lang}")
    page.goto(f"{base}/brands/{brand_id}/skills/{_skill_id(alpha, 'tiktok')}")
    _shot(page, f"skill-{lang}")
    ctx.close()
