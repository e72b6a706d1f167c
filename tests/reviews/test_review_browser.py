"""The consultant's review in a real browser (CSRF on, judging by the review script), in
English, then the client leader reading the completed review and the matrix on a phone, in
Arabic."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import User
from saas.models.reviews import Review
from tenants.context import system_scope, tenant_scope
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_consultant_judges_findings_and_leader_reads_in_arabic(
    browser, live_server, shot, alpha, submitted_broken
):
    base = live_server
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    _sign_in(page, base, "consultant@alpha.test")

    # The plan page's "Open review" button is a CSRF-protected POST to reviews.open.
    page.goto(f"{base}/plans/{submitted_broken.plan_id}/scores")
    token = page.locator("input[name=csrf_token]").first.input_value()
    resp = page.request.post(
        f"{base}/plans/{submitted_broken.plan_id}/reviews",
        form={"csrf_token": token},
        headers={"Referer": base + "/"},
    )
    assert resp.ok
    with tenant_scope(alpha.agency.id):
        review_id = db.session.scalar(select(Review.id))
    page.goto(f"{base}/reviews/{review_id}")
    assert "Findings by campaign" in page.content()
    shot(page, "review-01-open")

    # Dismiss the first finding without a reason: the browser's own check stops it; with a
    # reason it goes through.
    first = page.locator("li.finding details").first
    first.locator("summary").click()
    first.locator("textarea[name=reason]").fill("Agreed with the client at kick-off")
    first.locator("button.danger").click()
    page.wait_for_selector("li.finding.finding-dismissed")  # in place, no reload
    assert "Dismissed by" in page.content()

    # Accept every other finding, one click each, each card updated in place.
    accept = page.locator("form:has(input[name=decision][value=accept]) button")
    while n := accept.count():
        accept.first.click()
        page.wait_for_function(
            "n => document.querySelectorAll('form[data-judge=accept]').length < n", arg=n
        )

    comment = page.locator("#plan-wide > details")
    comment.locator("summary").click()
    comment.locator("textarea[name=body]").fill("Shared: add a customer-care campaign.")
    comment.locator("input[name=shared][value=yes]").check()
    comment.locator("button[type=submit]").click()
    page.wait_for_load_state()

    page.locator("#verdict input[value=needs_changes]").check()
    page.locator("#verdict button[type=submit]").click()
    page.wait_for_load_state()
    assert "Review completed" in page.content()
    assert submitted_broken.status() == "changes_requested"
    shot(page, "review-02-completed")
    ctx.close()

    # The client leader, in Arabic, on a phone.
    with system_scope():
        leader = db.session.scalar(select(User).where(User.email == "leader@alpha.test"))
        leader.locale = "ar"
        db.session.commit()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    lp = phone.new_page()
    _sign_in(lp, base, "leader@alpha.test")
    lp.goto(f"{base}/reviews/{review_id}")
    html = lp.content()
    assert 'dir="rtl"' in html
    assert "Shared: add a customer-care campaign." in html
    assert "Dismiss" not in html
    shot(lp, "review-03-leader-ar")
    lp.goto(f"{base}/reviews/{review_id}/matrix")
    assert lp.locator("table.matrix th[scope=row]").count() >= 3
    shot(lp, "review-04-matrix-ar")
    phone.close()
