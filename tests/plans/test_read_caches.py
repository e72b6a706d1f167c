"""The plan page's campaign table and the API plan's content are kept between requests
(``saas.web.plans.table_cache``, ``saas.api.plans.endpoints._content``).  Whatever changes
one of their inputs shows on the very next request, byte for byte what a page rendered
without the cache shows: an edited campaign, a renamed goal or audience, the reader's
language, whether the reader may edit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from saas.api.plans import endpoints
from saas.extensions import db
from saas.models import Audience, Goal, Plan, User
from saas.services.plans import BoundedCache
from saas.web.plans import table_cache
from tenants.context import tenant_scope
from tests.plans.conftest import campaign_body, make_audience, make_goal, plan_body

CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*|(name="csrf-token" content=")[^"]*')


def _page(client, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, resp.status_code
    return CSRF.sub(lambda m: (m.group(1) or m.group(2)) + "X", resp.get_data(as_text=True))


def _uncached(client, url: str) -> str:
    """The page as it renders with nothing kept (what the cache must always agree with)."""
    table_cache.tables.clear()
    endpoints._content.clear()
    return _page(client, url)


def _plan(alpha, api, **campaign):
    goal_id = make_goal(alpha)
    audience_id = make_audience(alpha)
    resp = api(alpha.tokens["team"]).post(
        f"/api/v1/brands/{alpha.brand.id}/plans",
        json=plan_body(
            [campaign_body(goal_id, audience_id, **campaign)],
            calendar=[{"date": "2027-03-02", "network": "instagram", "format": "story"}],
        ),
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json(), goal_id, audience_id


def _version(alpha, plan_id: int) -> int:
    db.session.expire_all()
    with tenant_scope(alpha.agency.id):
        return db.session.scalar(select(Plan.version).where(Plan.id == plan_id))


def test_an_edited_campaign_shows_on_the_next_request(alpha, api, login_as):
    plan, goal_id, audience_id = _plan(alpha, api)
    client = login_as(alpha.team)
    url = f"/plans/{plan['id']}"
    assert "Spring stories" in _page(client, url)
    assert len(table_cache.tables) >= 1  # kept

    body = plan_body([campaign_body(goal_id, audience_id, name="Summer reels")])
    resp = api(alpha.tokens["team"]).post(
        f"/api/v1/plans/{plan['id']}/revisions", json={**body, "version": plan["version"]}
    )
    assert resp.status_code == 200, resp.get_json()  # the draft, updated in place

    page = _page(client, url)
    assert "Summer reels" in page and "Spring stories" not in page
    assert page == _uncached(client, url)


@pytest.mark.parametrize(
    ("model", "column", "old", "new"),
    [
        (Goal, "title", "Grow followers", "Grow the community"),
        (Audience, "name", "Young professionals", "Night owls"),
    ],
)
def test_a_renamed_goal_or_audience_shows_though_the_plan_version_stays(
    alpha, api, login_as, model, column, old, new
):
    plan, goal_id, audience_id = _plan(alpha, api)
    client = login_as(alpha.team)
    url = f"/plans/{plan['id']}"
    assert old in _page(client, url)
    before = _version(alpha, plan["id"])

    with tenant_scope(alpha.agency.id):
        setattr(db.session.get(model, goal_id if model is Goal else audience_id), column, new)
        db.session.commit()
    assert _version(alpha, plan["id"]) == before  # nothing moved the plan's version

    page = _page(client, url)
    assert new in page and old not in page
    assert page == _uncached(client, url)


def test_the_table_follows_the_reader_language(alpha, api, login_as):
    plan, _goal, _audience = _plan(alpha, api)
    client = login_as(alpha.team)
    url = f"/plans/{plan['id']}"
    english = _page(client, url)
    assert 'data-label="Campaign"' in english

    with tenant_scope(alpha.agency.id):
        db.session.get(User, alpha.team.user.id).locale = "ar"
        db.session.commit()
    arabic = _page(client, url)
    assert 'data-label="الحملة"' in arabic and 'data-label="Campaign"' not in arabic
    assert arabic == _uncached(client, url)


def test_the_edit_links_follow_whether_the_reader_may_edit(alpha, api, login_as):
    """The revision page shows the same revision's table without edit links; the plan page,
    for a member who may edit, with them (the same content, another key)."""
    plan, _goal, _audience = _plan(alpha, api)
    client = login_as(alpha.team)
    revision_page = _page(client, f"/plans/{plan['id']}/revisions/{plan['revision']['id']}")
    assert "Spring stories" in revision_page
    assert f"/plans/{plan['id']}/campaigns/" not in revision_page

    page = _page(client, f"/plans/{plan['id']}")
    assert re.search(rf'href="/plans/{plan["id"]}/campaigns/\d+/edit"', page)
    assert page == _uncached(client, f"/plans/{plan['id']}")

    # Another role that may edit (the owner) gets the links too, from the same key.
    owner = login_as(alpha.owner)
    assert re.search(r"/campaigns/\d+/edit", _page(owner, f"/plans/{plan['id']}"))


def test_nothing_of_a_readers_session_is_kept(alpha, api, login_as):
    """The kept table is served to every reader of the revision: no form token, no name or
    address of whoever's request rendered it."""
    plan, _goal, _audience = _plan(alpha, api)
    page = login_as(alpha.team).get(f"/plans/{plan['id']}").get_data(as_text=True)
    assert 'name="csrf_token"' in page  # the page has the reader's own token...
    kept = [str(html) for html, _count in table_cache.tables._entries.values()]
    assert kept and all("Spring stories" in html for html in kept)
    for html in kept:  # ...the kept table none
        assert "csrf" not in html
        assert alpha.team.user.email not in html and alpha.team.user.name not in html


def test_the_api_plan_shows_a_saved_revision_on_the_next_request(alpha, api):
    plan, goal_id, audience_id = _plan(alpha, api)
    team = api(alpha.tokens["team"])
    url = f"/api/v1/plans/{plan['id']}"
    first = team.get(url).get_json()
    assert [c["name"] for c in first["campaigns"]] == ["Spring stories"]
    assert len(endpoints._content) >= 1

    body = plan_body(
        [campaign_body(goal_id, None, name="Summer reels")],
        calendar=[{"date": "2027-03-05", "network": "tiktok", "format": "short_video"}],
    )
    resp = team.post(f"/api/v1/plans/{plan['id']}/revisions", json=body)
    assert resp.status_code == 200, resp.get_json()

    after = team.get(url)
    data = after.get_json()
    assert [c["name"] for c in data["campaigns"]] == ["Summer reels"]
    assert data["campaigns"][0]["audience_id"] is None
    assert [(i["date"], i["network"]) for i in data["calendar"]] == [("2027-03-05", "tiktok")]
    assert data["version"] == first["version"] + 1
    endpoints._content.clear()
    assert team.get(url).get_data() == after.get_data()


def test_the_api_plan_body_is_what_a_save_answers(alpha, api):
    """The read (column queries, kept) and a save's answer (ORM rows) give the same body."""
    plan, goal_id, _audience = _plan(alpha, api, goal_contributions={})
    team = api(alpha.tokens["team"])
    resp = team.post(
        f"/api/v1/plans/{plan['id']}/revisions",
        json=plan_body(
            [
                campaign_body(goal_id, None, budget=12.5, goal_contributions={str(goal_id): 3}),
                campaign_body(None, None, name="No goal", kpi=None, kpi_baseline=None),
            ],
            calendar=[
                {"date": f"2027-03-0{d}", "network": "x", "format": "post"} for d in (3, 1, 2)
            ],
        ),
    )
    assert resp.status_code == 200, resp.get_json()
    assert team.get(f"/api/v1/plans/{plan['id']}").get_json() == resp.get_json()


def test_the_caches_are_bounded():
    cache: BoundedCache[str] = BoundedCache(max_entries=3, max_weight=10)
    for i in range(5):
        cache.get_or_make(i, lambda i=i: f"v{i}", lambda _v: 1)
    assert len(cache) == 3
    assert cache.get_or_make(4, lambda: "again", len) == "v4"  # kept, most recent
    assert cache.get_or_make(0, lambda: "again", len) == "again"  # dropped first
    cache.get_or_make("big", lambda: "x" * 9, len)
    assert len(cache) <= 2  # by weight too
    assert cache.get_or_make("huge", lambda: "x" * 11, len) == "x" * 11
    assert cache.get_or_make("huge", lambda: "made again", len) == "made again"  # not kept
