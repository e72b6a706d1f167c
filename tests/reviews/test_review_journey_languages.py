"""Journey 2 in a real browser, once in English and once in Arabic: the social manager
submits a plan, the consultant reviews it (findings pre-filled, accept or dismiss, verdict),
the manager reads what to change, revision 2 is submitted, reviewed and approved, and the
client leader sees the approved plan with its alignment score."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from saas.extensions import db
from saas.models import User
from saas.models.reviews import Review
from tenants.context import system_scope, tenant_scope
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"changes": "Needs changes", "aligned": "Aligned", "approved": "Approved"},
    "ar": {"changes": "تحتاج إلى تعديل", "aligned": "متوائمة", "approved": None},
}


def _sign_in(browser, base: str, email: str):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(f"{base}/login")
    form = page.locator("form[action$='/login']")
    form.locator("#email").fill(email)
    form.locator("#password").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    return ctx, page


def _submit(page, base: str, plan_id: int) -> None:
    page.goto(f"{base}/plans/{plan_id}")
    page.locator("form:has(input[name=to][value=submitted]) button").click()
    page.wait_for_load_state()


def _review(page, base: str, plan_id: int, verdict: str, alpha) -> int:
    page.goto(f"{base}/plans/{plan_id}")
    page.locator("form[action$='/reviews'] button[type=submit]").click()
    page.wait_for_load_state()
    # Dismiss the first finding (a reason is required), accept the rest.
    if page.locator("li.finding details").count():
        first = page.locator("li.finding details").first
        first.locator("summary").click()
        first.locator("textarea[name=reason]").fill("Agreed with the client at kick-off")
        first.locator("button.danger").click()
        page.wait_for_selector("li.finding.finding-dismissed")  # in place, no reload
    # Each accept updates its card in place (review.js): wait for the form to go.
    accept = page.locator("form:has(input[name=decision][value=accept]) button")
    while n := accept.count():
        accept.first.click()
        page.wait_for_function(
            "n => document.querySelectorAll('form[data-judge=accept]').length < n", arg=n
        )
    page.locator(f"#verdict input[value={verdict}]").check()
    page.locator("#verdict button[type=submit]").click()
    page.wait_for_load_state()
    with tenant_scope(alpha.agency.id):
        return db.session.scalar(
            select(Review.id).where(Review.plan_id == plan_id).order_by(Review.id.desc())
        )


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_plan_review_journey_in_each_language(browser, live_server, shot, alpha, persisted, lang):
    base = live_server
    with system_scope():
        db.session.execute(update(User).values(locale=lang))
        db.session.commit()
    plan_id = persisted.save("broken_plan", alpha.team)

    # The social manager submits the draft.
    team_ctx, team = _sign_in(browser, base, "team@alpha.test")
    assert team.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    _submit(team, base, plan_id)
    assert persisted.status() == "submitted"

    # The consultant reviews: the engine's findings are there, judged one by one.
    cons_ctx, cons = _sign_in(browser, base, "consultant@alpha.test")
    first_review = _review(cons, base, plan_id, "needs_changes", alpha)
    assert persisted.status() == "changes_requested"
    shot(cons, f"journey2-{lang}-review-1")

    # The manager reads what to change, in their language.
    team.goto(f"{base}/reviews/{first_review}")
    body = team.content()
    assert WORDS[lang]["changes"] in body
    shot(team, f"journey2-{lang}-manager-reads")

    # Revision 2 (the corrected plan) is saved and submitted.
    persisted.save("corrected_plan", alpha.team)
    _submit(team, base, plan_id)
    assert persisted.status() == "submitted"

    # The second review finds nothing to fix and approves.
    second_review = _review(cons, base, plan_id, "aligned", alpha)
    assert persisted.status() == "approved"
    assert WORDS[lang]["aligned"] in cons.content()
    shot(cons, f"journey2-{lang}-review-2")

    # The client leader sees the approved plan and its score on the brand page.
    lead_ctx, lead = _sign_in(browser, base, "leader@alpha.test")
    lead.goto(f"{base}/brands/{alpha.brand.id}")
    html = lead.content()
    assert "Spring plan" in html
    assert f"/reviews/{second_review}" in html
    shot(lead, f"journey2-{lang}-leader")
    for ctx in (team_ctx, cons_ctx, lead_ctx):
        ctx.close()
