"""Issue 10's "done when", in Chromium, in English and in Arabic: the client team submits a
broken plan, the consultant is emailed, judges every finding without a page load and asks
for changes; the team makes three campaign edits and one calendar change, submits again,
and the plan shows revision 2 (one draft per cycle, not one revision per save) and the
comparison opens on revision 1 against revision 2.

What is checked is what a person sees (badges, labels, the email, the comparison), with
the database read only to confirm it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from saas.extensions import db
from saas.models import CalendarItem, PlanRevision, User
from saas.models.reviews import Finding, Review
from tenants.context import system_scope, tenant_scope
from tests.factories import PASSWORD
from tests.mailbox import inbox
from tests.reviews.conftest import Persisted

pytestmark = pytest.mark.browser

# The interface's own words (saas/translations/ar/LC_MESSAGES/messages.po).
WORDS = {
    "en": {
        "submitted": "Submitted",
        "changes_requested": "Changes requested",
        "mail_subject": "Ready for your review",
        "revision": "Revision {n}",
        "draft": "Draft of revision {n}",
        "compared": "Revision 1 compared with Revision 2",
        "changed": "Campaign changed:",
        "calendar": "Content calendar: {old} items → {new} items",
        "review_of": "Review of revision {n}",
    },
    "ar": {
        "submitted": "مُرسلة",
        "changes_requested": "طُلبت تعديلات",
        "mail_subject": "جاهزة لمراجعتك",
        "revision": "الإصدار {n}",
        "draft": "مسودة الإصدار {n}",
        "compared": "الإصدار 1 مقارنةً مع الإصدار 2",
        "changed": "حملة تغيّرت:",
        "calendar": "روزنامة المحتوى: {old} عنصرًا ← {new} عنصرًا",  # 11–99: عنصرًا
        "review_of": "مراجعة الإصدار {n}",
    },
}

TITLE = "Spring plan"


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


def _plan_page(page, base: str, plan_id: int) -> None:
    page.goto(f"{base}/plans/{plan_id}")
    page.wait_for_load_state()


def _status_badge(page) -> str:
    return page.locator(".page-head .badge").first.inner_text().strip()


def _revision_shown(page) -> str:
    """The revision named under the plan's title ("Revision 2", "Draft of revision 2")."""
    return page.locator(".page-head p .muted").first.inner_text()


def _history(page) -> list[str]:
    return [t.strip() for t in page.locator("#history-title + ol > li > a").all_inner_texts()]


def _submit(page, base: str, plan_id: int) -> None:
    _plan_page(page, base, plan_id)
    page.locator("form:has(input[name=to][value=submitted]) button").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/plans/{plan_id}")


def _edit_campaign(page, base: str, plan_id: int, name: str, fields: dict[str, str]) -> None:
    """Open the campaign's edit form from the plan page, change ``fields``, save."""
    _plan_page(page, base, plan_id)
    row = page.locator("table.campaigns tbody tr", has_text=name)
    row.locator("a[href$='/edit']").click()
    page.wait_for_load_state()
    assert re.search(r"/campaigns/\d+/edit$", page.url)
    for selector, value in fields.items():
        page.locator(selector).fill(value)
    page.locator("form.form button.primary[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/plans/{plan_id}"), page.url
    assert page.locator(".flash-success").count() == 1, page.locator(".flashes").all_inner_texts()


def _revision_numbers(alpha, plan_id: int) -> list[tuple[int, bool]]:
    with tenant_scope(alpha.agency.id):
        rows = db.session.execute(
            select(PlanRevision.number, PlanRevision.frozen)
            .where(PlanRevision.plan_id == plan_id)
            .order_by(PlanRevision.id)
            .execution_options(populate_existing=True)
        ).all()
    return [(n, bool(f)) for n, f in rows]


def _finding_states(alpha, review_id: int) -> list[str]:
    with tenant_scope(alpha.agency.id):
        return list(
            db.session.scalars(
                select(Finding.state)
                .where(Finding.review_id == review_id)
                .execution_options(populate_existing=True)
            )
        )


def _calendar_count(alpha, plan_id: int) -> int:
    """Items in the plan's current revision, to say what the comparison should count."""
    with tenant_scope(alpha.agency.id):
        rev_id = db.session.scalar(
            select(PlanRevision.id)
            .where(PlanRevision.plan_id == plan_id)
            .order_by(PlanRevision.id.desc())
            .limit(1)
        )
        return len(
            db.session.scalars(
                select(CalendarItem.id).where(CalendarItem.revision_id == rev_id)
            ).all()
        )


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_review_loop_keeps_one_revision_per_cycle(
    browser, live_server, shot, alpha, run_jobs, lang
):
    base = live_server
    words = WORDS[lang]
    with system_scope():
        db.session.execute(update(User).values(locale=lang))
        db.session.commit()
    persisted = Persisted(alpha)
    plan_id = persisted.save("broken_plan", alpha.team, title=TITLE)

    # 1. The client team submits the draft.
    team_ctx, team = _sign_in(browser, base, "team@alpha.test")
    assert team.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    _submit(team, base, plan_id)
    assert _status_badge(team) == words["submitted"]
    assert words["revision"].format(n=1) in _revision_shown(team)
    assert persisted.status() == "submitted"
    shot(team, f"review-loop-{lang}-01-submitted")

    # 2. The consultant (the brand's reviewer) gets the email, in their language, with the
    # plan's link; the team member who submitted is not told about it.
    run_jobs()  # eager mode has sent it already; a real worker may still be at it
    messages = inbox("consultant@alpha.test", wait_for=1)
    assert len(messages) == 1, [m.subject for m in messages]
    mail = messages[0]
    assert words["mail_subject"] in mail.subject and TITLE in mail.subject
    link = re.search(r"https?://\S+/plans/(\d+)", mail.text)
    assert link and int(link.group(1)) == plan_id
    assert not [m for m in inbox("team@alpha.test") if TITLE in m.subject]

    # 3. The consultant follows the link, opens the review and judges every finding in place.
    cons_ctx, cons = _sign_in(browser, base, "consultant@alpha.test")
    cons.goto(base + urlsplit(link.group(0)).path)
    assert _status_badge(cons) == words["submitted"]
    cons.locator("form[action$='/reviews'] button[type=submit]").click()
    cons.wait_for_load_state()
    match = re.search(r"/reviews/(\d+)", cons.url)
    assert match, cons.url
    review_id = int(match.group(1))
    cons.evaluate("window.__marker = 1")

    cards = cons.locator("li.finding:has(form[data-judge=accept])")
    total = cards.count()
    assert total >= 4, "the broken sample has many findings"

    # One dismissed with a reason...
    first = cards.first
    first_id = first.get_attribute("id")
    first.locator("details > summary").click()
    first.locator("textarea[name=reason]").fill("Agreed with the client at kick-off")
    first.locator("form[data-judge=dismiss] button").click()
    cons.wait_for_selector(f"#{first_id}.finding-dismissed")
    # ...one accepted on its own...
    second = cons.locator("li.finding.finding-open:has(form[data-judge=accept])").first
    second_id = second.get_attribute("id")
    second.locator("form[data-judge=accept] button").click()
    cons.wait_for_selector(f"#{second_id}.finding-accepted")
    assert cons.evaluate("window.__marker") == 1
    # ...and the rest with "accept all remaining", which asks first.
    cons.locator("#accept-all > summary").click()
    confirm = cons.locator("#accept-all button[type=submit]")
    assert confirm.is_visible()
    shot(cons, f"review-loop-{lang}-02-confirm-accept-all")
    confirm.click()
    cons.wait_for_function("() => !document.getElementById('accept-all')")
    assert cons.evaluate("window.__marker") == 1, "judging reloaded the page"
    assert cons.locator("li.finding.finding-open").count() == 0
    assert cons.locator("#verdict-open-hint").is_hidden()
    states = _finding_states(alpha, review_id)
    assert sorted(states) == sorted(["dismissed"] + ["accepted"] * (len(states) - 1))
    shot(cons, f"review-loop-{lang}-03-all-judged")

    # The verdict: needs changes.
    cons.locator("#verdict input[value=needs_changes]").check()
    cons.locator("#verdict button[type=submit]").click()
    cons.wait_for_load_state()
    assert persisted.status() == "changes_requested"
    _plan_page(cons, base, plan_id)
    assert _status_badge(cons) == words["changes_requested"]

    # 4. The client team sees the request, makes three campaign edits...
    _plan_page(team, base, plan_id)
    assert _status_badge(team) == words["changes_requested"]
    assert team.locator(".flash-info").count() == 1
    shot(team, f"review-loop-{lang}-04-changes-requested")
    _edit_campaign(
        team,
        base,
        plan_id,
        "Spring teaser",
        {"#kpi_baseline": "1200", "#duration_rationale": "Three weeks around the launch."},
    )
    assert words["draft"].format(n=2) in _revision_shown(team)
    _edit_campaign(
        team,
        base,
        plan_id,
        "Story polls",
        {"#end_date": "2026-04-21", "#duration_rationale": "Three weeks of polls."},
    )
    _edit_campaign(team, base, plan_id, "Family weekend offers", {"#budget": "9500"})
    assert words["draft"].format(n=2) in _revision_shown(team)
    assert len(_history(team)) == 2, _history(team)
    calendar_before = _calendar_count(alpha, plan_id)

    # ...and one calendar change: a Facebook post in the month of silence, from the month view.
    team.goto(f"{base}/brands/{alpha.brand.id}/calendar?month=2026-04")
    team.locator(".calendar-grid a.calendar-add[href*='date=2026-04-15']").click()
    team.wait_for_load_state()
    assert team.locator("#date").input_value() == "2026-04-15"
    team.locator("#campaign_key").select_option(label="Family weekend offers")
    team.locator("#network").select_option("facebook")
    team.locator("#format").select_option("carousel")
    team.locator("#pillar").fill("Mid-April offer")
    team.locator("form:has(#network) button[type=submit]").click()
    team.wait_for_load_state()
    assert "calendar?month=2026-04" in team.url
    cell = team.locator(".calendar-grid .calendar-item", has_text="Mid-April offer")
    assert cell.count() == 1
    assert "Family weekend offers" in cell.inner_text()
    shot(team, f"review-loop-{lang}-05-calendar")

    # Still one working draft: four saves, one draft.
    _plan_page(team, base, plan_id)
    assert words["draft"].format(n=2) in _revision_shown(team)
    assert len(_history(team)) == 2
    assert _revision_numbers(alpha, plan_id) == [(1, True), (2, False)]

    # 5. Submitted again: revision 2, and the comparison opens on 1 against 2.
    _submit(team, base, plan_id)
    assert persisted.status() == "submitted"
    assert _status_badge(team) == words["submitted"]
    shown = _revision_shown(team)
    assert words["revision"].format(n=2) in shown
    assert words["draft"].format(n=2) not in shown
    # The history lists the newest first: exactly the two submitted revisions.
    assert _history(team) == [words["revision"].format(n=2), words["revision"].format(n=1)]
    for n in (3, 4, 5):
        assert words["revision"].format(n=n) not in team.locator("main").inner_text()
    assert _revision_numbers(alpha, plan_id) == [(1, True), (2, True)]
    # The plan page's compare form is preset to 1 and 2.
    selected_a = team.locator("#compare-a option:checked").inner_text().strip()
    selected_b = team.locator("#compare-b option:checked").inner_text().strip()
    assert (selected_a, selected_b) == (
        words["revision"].format(n=1),
        words["revision"].format(n=2),
    )
    shot(team, f"review-loop-{lang}-06-resubmitted")

    team.goto(f"{base}/plans/{plan_id}/compare")
    team.wait_for_load_state()
    assert team.locator("h1").inner_text().strip() == words["compared"]
    changed = team.locator("section.card h2 bdi").all_inner_texts()
    assert sorted(changed) == sorted(["Spring teaser", "Story polls", "Family weekend offers"])
    text = team.locator("main").inner_text()
    assert text.count(words["changed"]) == 3
    assert words["calendar"].format(old=calendar_before, new=calendar_before + 1) in text
    shot(team, f"review-loop-{lang}-07-compare")

    # The consultant's next review is of revision 2, what the team submitted.
    _plan_page(cons, base, plan_id)
    cons.locator("form[action$='/reviews'] button[type=submit]").click()
    cons.wait_for_load_state()
    assert cons.locator("h1").inner_text().strip() == words["review_of"].format(n=2)
    with tenant_scope(alpha.agency.id):
        reviews = db.session.scalars(
            select(Review.id).where(Review.plan_id == plan_id).order_by(Review.id)
        ).all()
    assert len(reviews) == 2 and reviews[0] == review_id
    for ctx in (team_ctx, cons_ctx):
        ctx.close()
