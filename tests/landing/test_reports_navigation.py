"""Can everyone who may see reports find them without typing an address?

The brand overview's Reports card (newest reports, or an invitation to make the first),
the brand's menu on every brand page, the review page's "Create report", and the page a
client leader lands on.  Queries on the overview stay the same however many reports exist.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from saas.extensions import db
from saas.models import Review
from tenants.context import tenant_scope
from tests import factories
from tests.landing.helpers import add_report

ROLES = ["owner", "consultant", "leader", "team"]


def _page(client, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return resp.get_data(as_text=True)


def _reports_card(page: str) -> str:
    card = re.search(r'<section class="card"[^>]*id="reports".*?</section>', page, re.S)
    assert card, "no reports card"
    return card.group(0)


def _brand_menu(page: str) -> str:
    menu = re.search(r'<nav class="subnav brandnav".*?</nav>', page, re.S)
    assert menu, "no brand menu"
    return menu.group(0)


@pytest.mark.parametrize("role", ROLES)
def test_no_coming_soon_placeholder_for_anyone(alpha, login_as, role):
    page = _page(login_as(getattr(alpha, role)), f"/brands/{alpha.brand.id}")
    assert "Coming soon" not in page and "Not available yet" not in page
    assert f'href="/brands/{alpha.brand.id}/reports"' in _reports_card(page)


def test_staff_without_reports_are_offered_the_first_one(alpha, login_as):
    card = _reports_card(_page(login_as(alpha.consultant), f"/brands/{alpha.brand.id}"))
    assert "Create the first report" in card
    assert f'href="/brands/{alpha.brand.id}/reports#request-title"' in card


def test_client_without_reports_is_told_what_will_appear(alpha, login_as):
    card = _reports_card(_page(login_as(alpha.leader), f"/brands/{alpha.brand.id}"))
    assert "When the agency prepares a report for this brand, it appears here." in card
    assert "Create" not in card


def test_card_lists_the_three_newest_reports_for_staff(alpha, login_as):
    ids = [add_report(alpha, days_ago=d) for d in (4, 3, 2)]
    failed = add_report(alpha, status="failed", days_ago=1)
    other_brand = add_report(alpha, alpha.other_brand)
    card = _reports_card(_page(login_as(alpha.consultant), f"/brands/{alpha.brand.id}"))
    shown = [int(i) for i in re.findall(r'href="/reports/(\d+)"', card)]
    assert shown == [failed, ids[2], ids[1]]  # newest first, three of them
    assert other_brand not in shown
    assert "Failed" in card
    assert "Create report" in card


def test_client_leader_lands_on_her_brand_and_sees_the_latest_ready_report(alpha, login_as):
    """Done when: the client leader's landing page shows the latest report."""
    older = add_report(alpha, days_ago=10)
    latest = add_report(alpha, days_ago=5, locale="ar")
    add_report(alpha, status="rendering", days_ago=1)  # not for clients until ready
    client = login_as(alpha.leader)
    home = client.get("/")
    assert home.status_code == 302
    assert home.headers["Location"] == f"/brands/{alpha.brand.id}"

    card = _reports_card(_page(client, home.headers["Location"]))
    assert f'href="/reports/{latest}">' in card
    assert "Open the latest report" in card
    assert f'href="/reports/{latest}/pdf"' in card
    assert [int(i) for i in re.findall(r'href="/reports/(\d+)">', card)] == [latest, latest, older]
    assert "Arabic" in card and "Rendering" not in card
    assert _page(client, f"/reports/{latest}")


def test_another_agencys_reports_never_show(alpha, bravo, login_as):
    add_report(bravo)
    page = _page(login_as(alpha.consultant), f"/brands/{alpha.brand.id}")
    card = _reports_card(page)
    assert re.findall(r'href="/reports/\d+"', card) == []
    assert "Create the first report" in card
    assert "Bravo" not in page


@pytest.mark.parametrize("role", ROLES)
def test_the_brand_menu_reaches_reports_from_every_brand_page(alpha, login_as, role):
    factories.planning_data(alpha.agency, alpha.brand, goals=1, campaigns=1, calendar=1)
    client = login_as(getattr(alpha, role))
    b = alpha.brand.id
    for url in (f"/brands/{b}", f"/brands/{b}/goals", f"/brands/{b}/plans", f"/brands/{b}/reports"):
        menu = _brand_menu(_page(client, url))
        assert f'href="/brands/{b}/reports"' in menu, url
        assert f'href="/brands/{b}/goals"' in menu and f'href="/brands/{b}/plans"' in menu
        assert ("/methodology" in menu) == (role in ("owner", "consultant")), url
    current = re.search(
        r'<a [^>]*aria-current="page"[^>]*>', _brand_menu(_page(client, f"/brands/{b}/reports"))
    )
    assert 'data-section="reports"' in current.group(0)


def test_no_brand_menu_outside_a_brand(alpha, login_as):
    client = login_as(alpha.owner)
    assert "brandnav" not in _page(client, "/members/")
    assert "brandnav" not in _page(client, "/brands/")


def _open_review(alpha, client) -> int:
    plan = factories.planning_data(alpha.agency, alpha.brand, goals=1, campaigns=1, calendar=1)
    assert client.post(f"/plans/{plan.id}/reviews").status_code in (302, 303)
    with tenant_scope(alpha.agency.id):
        return db.session.scalar(select(Review.id).where(Review.plan_id == plan.id))


def test_review_page_offers_create_report_to_staff(alpha, login_as):
    client = login_as(alpha.consultant)
    review_id = _open_review(alpha, client)
    page = _page(client, f"/reviews/{review_id}")
    action = re.search(r'<a[^>]*href="([^"]*)"[^>]*>Create report</a>', page)
    assert action and action.group(1) == f"/brands/{alpha.brand.id}/reports#request-title"
    assert "Request a report" in _page(client, action.group(1).split("#")[0])


def test_overview_queries_do_not_grow_with_reports(alpha, login_as):
    client = login_as(alpha.consultant)
    url = f"/brands/{alpha.brand.id}"

    def count() -> int:
        client.get(url)
        n = {"q": 0}

        def _count(*_a, **_k):
            n["q"] += 1

        event.listen(db.engine, "before_cursor_execute", _count)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", _count)
        return n["q"]

    add_report(alpha)
    one = count()
    for d in range(25):
        add_report(alpha, days_ago=d + 1)
    assert count() == one


def test_share_link_has_a_copy_button_and_stays_selectable_text(alpha, login_as):
    report_id = add_report(alpha)
    client = login_as(alpha.consultant)
    resp = client.post(f"/reports/{report_id}/shares", data={"expires_days": "7"})
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert re.search(r'<code id="share-link" dir="ltr">http://[^<]+/r/[A-Za-z0-9_\-]+</code>', page)
    button = re.search(r'<button[^>]*data-copy-target="share-link"[^>]*>', page).group(0)
    assert " hidden" in button
    assert '<script src="/static/copy.js" defer></script>' in page


def test_client_with_several_brands_reaches_each_brands_reports_from_home(alpha, login_as):
    member = factories.member(
        alpha.agency,
        "client_leader",
        factories.user("two-brands@alpha.test", "Two Brands Leader"),
        brands=[alpha.brand, alpha.other_brand],
    )
    db.session.commit()
    home = _page(login_as(member), "/")
    for brand in (alpha.brand, alpha.other_brand):
        assert f'href="/brands/{brand.id}/reports"' in home
