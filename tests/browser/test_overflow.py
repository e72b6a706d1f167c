"""No main screen scrolls sideways: every page of the demo agency, signed in as the owner,
the consultant and a client leader, in Chromium at 390 px and 1280 px, in English and
Arabic.  A page wider than the window hides its last column (or its save button) from a
phone and reads as broken at a desk, so the test measures
``document.documentElement.scrollWidth`` against ``window.innerWidth``, and every table
(but the goal x campaign matrix, which scrolls by design) against its card.

Screenshots go to artifacts/overflow-<role>-<lang>-<width>-<page>.png for a person to
look at.  The demo is loaded once per role (it is the richest data set: an Arabic brand,
reviews with findings, reports, audit events)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from saas.demo import DEMO_PASSWORD
from saas.demo.content import CONSULTANT_EMAIL, OWNER_EMAIL, QAMAR, QAMAR_LEADER_EMAIL
from saas.extensions import db
from saas.models import Agency, Brand, Goal, Plan, Report
from saas.models.reviews import Review
from tenants.context import system_scope, tenant_scope

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
LANGS = ("en", "ar")


def _brand_pages(brand: Brand) -> dict[str, str]:
    """A brand's main pages: the newest plan (its review, matrix), a goal, the newest report."""
    b = brand.id
    review = db.session.scalars(
        select(Review)
        .join(Plan, Plan.id == Review.plan_id)
        .where(Plan.brand_id == b)
        .order_by(Review.id.desc())
    ).first()
    plan = db.session.get(Plan, review.plan_id) if review else None
    plan = plan or db.session.scalars(select(Plan).where(Plan.brand_id == b)).first()
    goal = db.session.scalars(select(Goal).where(Goal.brand_id == b)).first()
    report = db.session.scalars(
        select(Report).where(Report.brand_id == b).order_by(Report.id.desc())
    ).first()
    pages = {
        "brand overview": f"/brands/{b}",
        "goals": f"/brands/{b}/goals",
        "goal": f"/goals/{goal.id}" if goal else None,
        "audiences": f"/brands/{b}/audiences",
        "plans list": f"/brands/{b}/plans",
        "plan page": f"/plans/{plan.id}" if plan else None,
        "calendar": f"/brands/{b}/calendar",
        "review page": f"/reviews/{review.id}" if review else None,
        "matrix": f"/reviews/{review.id}/matrix" if review else None,
        "reports list": f"/brands/{b}/reports",
        "report page": f"/reports/{report.id}" if report else None,
    }
    return {name: path for name, path in pages.items() if path}


@pytest.fixture
def demo_pages(db_app, live_server) -> Iterator[dict[str, dict[str, str]]]:
    """The demo agency loaded through ``flask demo``; every main page's path by role."""
    result = db_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with db_app.app_context():
        with system_scope():
            agency = db.session.scalar(select(Agency).where(Agency.slug == "northwind-social"))
        with tenant_scope(agency.id):
            # Qamar Coffee: the Arabic brand with two reviews, the leader's own brand.
            qamar = db.session.scalar(select(Brand).where(Brand.name == QAMAR))
            pages = _brand_pages(qamar)
        db.session.remove()
    staff = {
        "dashboard": "/",
        **pages,
        "brand methodology": f"/brands/{qamar.id}/methodology",
        "members": "/members/",
        "profile": "/settings/profile",
    }
    owner = {
        **staff,
        "brands": "/brands/",
        "methodology": "/settings/methodology",
        "settings": "/settings/",
        "audit log": "/settings/audit",
        "brand settings": f"/brands/{qamar.id}/edit",
        "new brand": "/brands/new",
    }
    # The leader lands on her brand (the dashboard redirects there); no review or plan pages.
    leader = {k: v for k, v in pages.items() if k not in {"review page", "matrix", "plan page"}} | {
        "profile": "/settings/profile"
    }
    yield {"owner": owner, "consultant": staff, "leader": leader}


EMAILS = {"owner": OWNER_EMAIL, "consultant": CONSULTANT_EMAIL, "leader": QAMAR_LEADER_EMAIL}


def _sign_in(page, base: str, email: str, lang: str) -> None:
    page.goto(f"{base}/login")
    form = page.locator("form[action$='/login']")
    form.locator("#email").fill(email)
    form.locator("#password").fill(DEMO_PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{base}/language/{lang}?next=/")
    page.wait_for_load_state()


def _overflow(page) -> tuple[int, int] | None:
    """(scrollWidth, innerWidth) when the page is wider than the window, else None."""
    wide, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return (wide, window) if wide > window else None


# A table that scrolls inside its card hides its last columns (the methodology's Save
# buttons did) without widening the page; only the goal x campaign matrix may scroll, with
# its cue and fixed headers.
HIDDEN_COLUMNS = """
[...document.querySelectorAll('.table-wrap:not(.matrix-wrap)')]
  .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
  .map(el => [el.querySelector('caption, th')?.textContent.trim().slice(0, 40) || 'table',
              el.scrollWidth, el.clientWidth])
"""


def test_no_page_scrolls_sideways(browser, live_server, shot, demo_pages):
    """Every role in one test, so the demo is loaded once (each load is seconds)."""
    failures: list[str] = []
    for role in ("owner", "consultant", "leader"):
        failures += _role_failures(browser, live_server, shot, demo_pages, role)
    assert not failures, "pages scroll sideways:\n" + "\n".join(failures)


def _role_failures(browser, live_server, shot, demo_pages, role: str) -> list[str]:
    failures: list[str] = []
    for lang in LANGS:
        for width in WIDTHS:
            ctx = browser.new_context(
                viewport={"width": width, "height": 900}, is_mobile=width < 500
            )
            page = ctx.new_page()
            _sign_in(page, live_server, EMAILS[role], lang)
            for name, path in demo_pages[role].items():
                response = page.goto(f"{live_server}{path}")
                page.wait_for_load_state()
                status = response.status if response else 0
                if status == 403:  # not this role's screen
                    continue
                if status >= 400:
                    failures.append(
                        f"{role}: {name} ({path}) answered {status} [{lang}, {width} px]"
                    )
                    continue
                assert page.locator("html").get_attribute("dir") == (
                    "rtl" if lang == "ar" else "ltr"
                ), f"{role}: {name}: wrong direction in {lang}"
                shot(page, f"overflow-{role}-{lang}-{width}-{name.replace(' ', '-')}")
                wide = _overflow(page)
                if wide:
                    failures.append(
                        f"{role}: {name} ({path}) is {wide[0]} px wide in a {wide[1]} px window "
                        f"[{lang}, {width} px]"
                    )
                for label, inner, box in page.evaluate(HIDDEN_COLUMNS):
                    failures.append(
                        f"{role}: {name} ({path}): the table “{label}” is {inner} px wide in "
                        f"its {box} px card, its last columns hidden [{lang}, {width} px]"
                    )
            ctx.close()
    return failures
