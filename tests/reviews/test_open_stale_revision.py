""" "Review this revision" opens a review of the revision the consultant was looking at, or
nothing: when the team saved a newer revision since, the plan page says so (409
``edit_conflict`` in the service) and no review is opened."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from saas.extensions import db
from saas.models import PlanRevision, User
from saas.models.reviews import Review
from tenants.context import tenant_scope


def _seen_revision(client, plan_id: int) -> str:
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    form = re.search(
        rf'<form method="post" action="/plans/{plan_id}/reviews">(.*?)</form>', page, re.S
    )
    assert form, "no Review this revision button"
    seen = re.search(r'name="revision_id" value="(\d+)"', form.group(1))
    assert seen
    return seen.group(1)


def _reviews(alpha, plan_id: int) -> list[tuple[int, int]]:
    with tenant_scope(alpha.agency.id):
        return [
            (r.revision_id, r.id)
            for r in db.session.scalars(select(Review).where(Review.plan_id == plan_id))
        ]


def test_a_newer_revision_saved_meanwhile_opens_nothing(login_as, alpha, submitted_broken):
    plan_id = submitted_broken.plan_id
    client = login_as(alpha.consultant)
    seen = _seen_revision(client, plan_id)

    submitted_broken.save("broken_plan", alpha.team)  # revision 2, still submitted
    resp = client.post(f"/plans/{plan_id}/reviews", data={"revision_id": seen})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/plans/{plan_id}")
    assert _reviews(alpha, plan_id) == []
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "The team saved a newer revision of this plan after you opened it." in page

    current = _seen_revision(client, plan_id)
    assert current != seen
    resp = client.post(f"/plans/{plan_id}/reviews", data={"revision_id": current})
    assert resp.status_code == 303 and "/reviews/" in resp.headers["Location"]
    with tenant_scope(alpha.agency.id):
        newest = db.session.scalar(
            select(func.max(PlanRevision.id)).where(PlanRevision.plan_id == plan_id)
        )
    assert [rev for rev, _id in _reviews(alpha, plan_id)] == [newest]


def test_a_form_without_the_revision_opens_the_current_one(login_as, alpha, submitted_broken):
    client = login_as(alpha.consultant)
    resp = client.post(f"/plans/{submitted_broken.plan_id}/reviews")
    assert resp.status_code == 303 and "/reviews/" in resp.headers["Location"]
    assert len(_reviews(alpha, submitted_broken.plan_id)) == 1


def test_the_refusal_reads_in_arabic(login_as, alpha, submitted_broken):
    plan_id = submitted_broken.plan_id
    user = db.session.get(User, alpha.consultant.user_id)
    user.locale = "ar"
    db.session.commit()
    client = login_as(alpha.consultant)
    seen = _seen_revision(client, plan_id)
    submitted_broken.save("broken_plan", alpha.team)
    client.post(f"/plans/{plan_id}/reviews", data={"revision_id": seen})
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "حفظ الفريق إصدارًا أحدث من هذه الخطة" in page
    assert _reviews(alpha, plan_id) == []


def test_in_a_real_browser_the_stale_button_says_why_in_arabic(
    browser, live_server, shot, alpha, submitted_broken
):
    """CSRF on, the real plan page: the form sends the revision shown; after the team saves
    another, the click opens nothing and the plan page explains, on a phone and a desk."""
    from tests.plans.test_browser import sign_in

    plan_id = submitted_broken.plan_id
    user = db.session.get(User, alpha.consultant.user_id)
    user.locale = "ar"
    db.session.commit()
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        sign_in(page, live_server, alpha.consultant.user.email)
        page.goto(f"{live_server}/plans/{plan_id}")
        submitted_broken.save("broken_plan", alpha.team)  # meanwhile, a newer revision
        page.locator(f"form[action='/plans/{plan_id}/reviews'] button[type=submit]").click()
        page.wait_for_url(f"{live_server}/plans/{plan_id}")
        flash = page.locator(".flash-error")
        assert "حفظ الفريق إصدارًا أحدث من هذه الخطة" in flash.inner_text()
        assert page.locator("html").get_attribute("dir") == "rtl"
        width_used = page.evaluate("document.documentElement.scrollWidth")
        assert width_used <= width, f"the plan page scrolls sideways ({width_used}px)"
        shot(page, f"reviews-open-stale-revision-ar-{width}")
        context.close()
    assert _reviews(alpha, plan_id) == []
