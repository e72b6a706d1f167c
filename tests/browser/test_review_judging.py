"""Judging findings in Chromium with the review script: no navigation (a marker set on
``window`` survives), the scroll position holds, errors appear at the field, "accept all
remaining" asks first; without JavaScript the same forms come back to the finding's anchor.
The matrix on a phone shows its scroll cue, in English and Arabic."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import User
from saas.models.reviews import Finding, Review
from tenants.context import system_scope, tenant_scope
from tests.factories import PASSWORD
from tests.reviews.conftest import Persisted

pytestmark = pytest.mark.browser


@pytest.fixture
def submitted_broken(alpha) -> Persisted:
    """The engine's broken sample, drafted by the client team and submitted."""
    plan = Persisted(alpha)
    plan.save("broken_plan", alpha.team)
    plan.move("submitted", alpha.team)
    return plan


def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def _open_review(page, base: str, alpha, plan_id: int) -> int:
    page.goto(f"{base}/plans/{plan_id}/scores")
    token = page.locator("input[name=csrf_token]").first.input_value()
    resp = page.request.post(
        f"{base}/plans/{plan_id}/reviews", form={"csrf_token": token}, headers={"Referer": base}
    )
    assert resp.ok
    with tenant_scope(alpha.agency.id):
        return db.session.scalar(select(Review.id).where(Review.plan_id == plan_id))


def _states(alpha, review_id: int) -> dict[int, str]:
    with tenant_scope(alpha.agency.id):
        rows = db.session.execute(
            select(Finding.id, Finding.state)
            .where(Finding.review_id == review_id)
            .execution_options(populate_existing=True)
        ).all()
    return dict(rows)


def _status_says(page, text: str) -> None:
    """The polite live region announces the result (it is filled a moment later)."""
    page.wait_for_function(
        "t => document.getElementById('judging-status').textContent.includes(t)", arg=text
    )


def test_consultant_judges_findings_without_reloads(
    browser,
    live_server,
    shot,
    alpha,
    submitted_broken,
):
    base = live_server
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    _sign_in(page, base, "consultant@alpha.test")
    review_id = _open_review(page, base, alpha, submitted_broken.plan_id)
    page.goto(f"{base}/reviews/{review_id}")
    total = len(_states(alpha, review_id))
    assert total >= 4
    page.evaluate("window.__marker = 'still here'")

    # Accept a finding in the middle of the page: the card changes in place.
    cards = page.locator("li.finding:has(form[data-judge=accept])")
    card = cards.nth(2)
    card_id = card.get_attribute("id")
    finding_id = int(card_id.split("-")[1])
    card.scroll_into_view_if_needed()
    page.mouse.wheel(0, 120)
    page.wait_for_function("() => window.scrollY > 0", timeout=5000)
    page.wait_for_timeout(200)  # let the wheel's scroll settle before measuring it
    scroll_before = page.evaluate("window.scrollY")
    assert scroll_before > 0
    card.locator("form[data-judge=accept] button").click()
    page.wait_for_selector(f"#{card_id}.finding-accepted")
    assert page.evaluate("window.__marker") == "still here"
    assert abs(page.evaluate("window.scrollY") - scroll_before) <= 2
    assert page.evaluate("document.activeElement.id") == card_id
    assert page.locator(f"#{card_id}").inner_text().count("Accepted by") == 1
    _status_says(page, f"{total - 1} findings still to decide.")
    summary = page.locator("#review-summary").inner_text()
    assert "1 accepted, 0 dismissed" in summary
    assert _states(alpha, review_id)[finding_id] == "accepted"
    shot(page, "judging-01-accepted-in-place")

    # Dismiss with a blank reason (spaces pass the browser's own check): the server's error
    # appears next to the field, the reason box has the focus, nothing reloads.
    other = page.locator("li.finding:has(form[data-judge=dismiss])").nth(3)
    other_id = other.get_attribute("id")
    dismissed_id = int(other_id.split("-")[1])
    other.locator("summary").click()
    other.locator("textarea[name=reason]").fill("   ")
    other.locator("form[data-judge=dismiss] button").click()
    page.wait_for_selector(f"#reason-{dismissed_id}-error")
    assert "Give a reason" in page.locator(f"#reason-{dismissed_id}-error").inner_text()
    assert page.evaluate("document.activeElement.name") == "reason"
    assert page.evaluate("window.__marker") == "still here"
    scroll_before = page.evaluate("window.scrollY")
    other.locator("textarea[name=reason]").fill("Agreed with the client at kick-off")
    other.locator("form[data-judge=dismiss] button").click()
    page.wait_for_selector(f"#{other_id}.finding-dismissed")
    assert "Agreed with the client at kick-off" in page.locator(f"#{other_id}").inner_text()
    assert abs(page.evaluate("window.scrollY") - scroll_before) <= 2
    assert _states(alpha, review_id)[dismissed_id] == "dismissed"

    # Accept all remaining: a first click only opens the confirmation.
    remaining = total - 2
    page.locator("#accept-all > summary").click()
    confirm = page.locator("#accept-all button[type=submit]")
    assert confirm.is_visible()
    assert confirm.inner_text() == f"Yes, accept {remaining} findings"
    assert set(_states(alpha, review_id).values()) == {"open", "accepted", "dismissed"}
    shot(page, "judging-02-confirm-accept-all")
    confirm.click()
    page.wait_for_function("() => !document.getElementById('accept-all')")
    assert page.evaluate("window.__marker") == "still here"
    assert page.locator("li.finding.finding-open").count() == 0
    assert page.locator("#verdict-open-hint").is_hidden()
    _status_says(page, f"{remaining} findings accepted.")
    states = _states(alpha, review_id)
    assert sorted(states.values()) == sorted(["dismissed"] + ["accepted"] * (total - 1))
    assert page.evaluate("document.activeElement.id") == "review-summary"
    shot(page, "judging-03-all-judged")

    # The comment form asks, with nothing preselected the first time.
    box = page.locator("#plan-wide > details")
    box.locator("summary").click()
    radios = box.locator("input[name=shared]")
    assert radios.count() == 2
    assert not radios.nth(0).is_checked() and not radios.nth(1).is_checked()
    box.scroll_into_view_if_needed()
    shot(page, "judging-04-comment-asks")
    ctx.close()


def test_without_javascript_the_forms_return_to_the_finding(
    browser,
    live_server,
    alpha,
    submitted_broken,
):
    base = live_server
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = ctx.new_page()
    _sign_in(page, base, "consultant@alpha.test")
    review_id = _open_review(page, base, alpha, submitted_broken.plan_id)
    page.goto(f"{base}/reviews/{review_id}")
    card = page.locator("li.finding:has(form[data-judge=accept])").nth(1)
    card_id = card.get_attribute("id")
    card.locator("form[data-judge=accept] button").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/reviews/{review_id}#{card_id}")
    assert "finding-accepted" in page.locator(f"#{card_id}").get_attribute("class")

    # "Accept all remaining" confirms without a script too: summary, then the button.
    page.locator("#accept-all > summary").click()
    page.locator("#accept-all button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/reviews/{review_id}#verdict")
    assert set(_states(alpha, review_id).values()) == {"accepted"}
    ctx.close()


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_matrix_on_a_phone_shows_a_scroll_cue_and_fixed_headers(
    browser,
    live_server,
    shot,
    alpha,
    submitted_broken,
    locale,
):
    base = live_server
    with system_scope():
        user = db.session.scalar(select(User).where(User.email == "consultant@alpha.test"))
        user.locale = locale
        db.session.commit()
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = ctx.new_page()
    _sign_in(page, base, "consultant@alpha.test")
    review_id = _open_review(page, base, alpha, submitted_broken.plan_id)
    page.goto(f"{base}/reviews/{review_id}/matrix")
    wrap = page.locator(".matrix-wrap")
    assert page.evaluate(
        "(() => { const w = document.querySelector('.matrix-wrap');"
        " return w.scrollWidth > w.clientWidth; })()"
    ), "the sample's matrix should be wider than a phone"
    hint = page.locator("#matrix-hint")
    assert hint.is_visible()
    expected = "Scroll sideways to see all campaigns" if locale == "en" else "مرّر أفقيًا"
    assert expected in hint.inner_text()
    box = page.locator(".matrix-scroll")
    assert "can-scroll-end" in box.get_attribute("class")
    # The end shadow fades in (a 0.15 s transition): wait for it rather than sample it.
    # (Predicates are arrow functions: a bare expression is eval'd, which the CSP forbids.)
    page.wait_for_function(
        "() => parseFloat(getComputedStyle(document.querySelector('.matrix-scroll'),"
        " '::after').opacity) > 0.5",
        timeout=5000,
    )
    for selector in (".table.matrix thead th", ".table.matrix th[scope=row]"):
        position = page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).position")
        assert position == "sticky", selector
    shot(page, f"matrix-phone-{locale}-start")

    # Scrolled to the far end: the end shadow goes, the first column casts one instead,
    # and the goal names stay where they were.
    first_col_x = page.locator(".table.matrix th[scope=row]").first.bounding_box()["x"]
    wrap.evaluate(
        "w => { const rtl = getComputedStyle(w).direction === 'rtl';"
        " w.scrollLeft = (rtl ? -1 : 1) * w.scrollWidth; }"
    )
    page.wait_for_function(
        "() => { const c = document.querySelector('.matrix-scroll').classList;"
        " return !c.contains('can-scroll-end') && c.contains('scrolled'); }",
        timeout=5000,
    )
    assert (
        abs(page.locator(".table.matrix th[scope=row]").first.bounding_box()["x"] - first_col_x) < 2
    )
    shot(page, f"matrix-phone-{locale}-end")
    ctx.close()
