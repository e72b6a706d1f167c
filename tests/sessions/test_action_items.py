"""The brand's action items page: filters, pages and an empty state that teaches; "Mark
done" for whoever may (a client leader only for her own items); items that stay open across
sessions until done; and other agencies' or brands' ids that answer 404."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from saas.extensions import db
from saas.models import ActionItem
from tenants.context import tenant_scope
from tests.sessions.test_minutes_api import make_session, minutes_path, read


def items_path(world, **query) -> str:
    args = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/brands/{world.brand.id}/action-items" + (f"?{args}" if args else "")


def add_items(api, world, sid, *items):
    staff = api(world.tokens["consultant"])
    out = []
    for item in items:
        resp = staff.post(f"/api/v1/sessions/{sid}/action-items", json=item)
        assert resp.status_code == 201, resp.get_json()
        out.append(resp.get_json()["id"])
    return out


def status_of(world, item_id):
    with tenant_scope(world.agency.id):
        return db.session.scalar(
            select(ActionItem.status)
            .where(ActionItem.id == item_id)
            .execution_options(populate_existing=True)
        )


def test_an_empty_list_explains_where_action_items_come_from(alpha, login_as):
    page = login_as(alpha.leader).get(items_path(alpha))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "No action items here" in html and "agreed in strategy sessions" in html
    overdue = login_as(alpha.leader).get(items_path(alpha, status="overdue"))
    assert "Nothing is overdue" in overdue.get_data(as_text=True)


def test_a_client_leader_marks_her_own_item_done_on_the_page_but_not_another(alpha, api, login_as):
    sid = make_session(alpha)
    mine, theirs = add_items(
        api,
        alpha,
        sid,
        {"title": "Approve the budget", "owner_id": alpha.leader.user_id},
        {"title": "Brief the designers", "owner_id": alpha.team.user_id},
    )
    client = login_as(alpha.leader)
    html = client.get(items_path(alpha)).get_data(as_text=True)
    assert "Approve the budget" in html and "Brief the designers" in html
    assert html.count("Mark done") == 1

    base = f"/brands/{alpha.brand.id}/action-items"
    done = client.post(f"{base}/{mine}/done", data={"next": f"/brands/{alpha.brand.id}/x"})
    assert done.status_code == 303 and done.headers["Location"].endswith(
        f"/brands/{alpha.brand.id}/x"
    )
    assert status_of(alpha, mine) == "done"
    assert client.post(f"{base}/{theirs}/done").status_code == 403
    assert status_of(alpha, theirs) == "open"

    completed = client.get(items_path(alpha, status="done")).get_data(as_text=True)
    assert "Approve the budget" in completed and "Brief the designers" not in completed
    assert "Reopen" in completed
    away = client.post(f"{base}/{mine}/reopen", data={"next": "https://evil.example/"})
    assert away.status_code == 303 and "evil.example" not in away.headers["Location"]
    assert status_of(alpha, mine) == "open"


def test_staff_mark_any_item_done(alpha, api, login_as):
    sid = make_session(alpha)
    (item,) = add_items(
        api, alpha, sid, {"title": "Brief the designers", "owner_id": alpha.team.user_id}
    )
    client = login_as(alpha.consultant)
    resp = client.post(f"/brands/{alpha.brand.id}/action-items/{item}/done")
    assert resp.status_code == 303 and status_of(alpha, item) == "done"


def test_open_items_stay_open_across_sessions_until_done(alpha, api, login_as):
    """Minutes of a later session do not touch the items of an earlier one."""
    first = make_session(alpha, starts_in=timedelta(days=-30), title="January QBR")
    (item,) = add_items(api, alpha, first, {"title": "Hire a community manager"})
    later = make_session(alpha, title="February QBR")
    resp = api(alpha.tokens["consultant"])._call(
        "PUT", minutes_path(later), json={"minutes": "Short one.", "action_items": []}
    )
    assert resp.status_code == 200
    assert status_of(alpha, item) == "open" and len(read(alpha, first)[2]) == 1
    html = login_as(alpha.leader).get(items_path(alpha)).get_data(as_text=True)
    assert "Hire a community manager" in html and "January QBR" in html


def test_the_list_filters_by_owner_and_pages(alpha, api, login_as):
    sid = make_session(alpha)
    add_items(
        api,
        alpha,
        sid,
        *[{"title": f"Leader task {n}", "owner_id": alpha.leader.user_id} for n in range(3)],
        {"title": "Team task", "owner_id": alpha.team.user_id},
    )
    client = login_as(alpha.leader)
    mine = client.get(items_path(alpha, owner="me")).get_data(as_text=True)
    assert "Leader task 0" in mine and "Team task" not in mine
    first = client.get(items_path(alpha, per_page=2)).get_data(as_text=True)
    assert "Page 1 of 2" in first


def test_overdue_items_are_marked_on_the_page(alpha, api, login_as):
    sid = make_session(alpha)
    add_items(
        api,
        alpha,
        sid,
        {"title": "Long overdue", "due_on": "2020-01-01"},
        {"title": "Far ahead", "due_on": "2099-01-01"},
    )
    html = login_as(alpha.leader).get(items_path(alpha, status="overdue")).get_data(as_text=True)
    assert "Long overdue" in html and "Far ahead" not in html


def test_the_page_speaks_arabic_right_to_left(alpha, api, login_as):
    sid = make_session(alpha)
    add_items(api, alpha, sid, {"title": "Approve the budget", "owner_id": alpha.leader.user_id})
    with tenant_scope(alpha.agency.id):
        from saas.models import User

        db.session.scalar(select(User).where(User.id == alpha.leader.user_id)).locale = "ar"
        db.session.commit()
    html = login_as(alpha.leader).get(items_path(alpha)).get_data(as_text=True)
    assert 'dir="rtl"' in html and "بنود العمل" in html and "<bdi>Approve the budget</bdi>" in html


def test_other_agencies_and_brands_get_404(alpha, bravo, api, login_as):
    sid = make_session(alpha)
    (item,) = add_items(api, alpha, sid, {"title": "Alpha secret task"})
    other = make_session(alpha, brand=alpha.other_brand)
    staff = api(alpha.tokens["consultant"])
    other_item = staff.post(
        f"/api/v1/sessions/{other}/action-items", json={"title": "Alpha Two task"}
    ).get_json()["id"]

    intruder = login_as(bravo.owner)
    assert intruder.get(items_path(alpha)).status_code == 404
    assert intruder.post(f"/brands/{alpha.brand.id}/action-items/{item}/done").status_code == 404
    assert intruder.post(f"/brands/{bravo.brand.id}/action-items/{item}/done").status_code == 404
    assert intruder.get(f"/brands/{alpha.brand.id}/sessions/{sid}/minutes").status_code == 404
    assert status_of(alpha, item) == "open"

    leader = login_as(alpha.leader)
    assert leader.get(f"/brands/{alpha.other_brand.id}/action-items").status_code == 404
    # An item of brand Two named under brand One's URL is not found either.
    staff_web = login_as(alpha.consultant)
    wrong = staff_web.post(f"/brands/{alpha.brand.id}/action-items/{other_item}/done")
    assert wrong.status_code == 404 and status_of(alpha, other_item) == "open"
