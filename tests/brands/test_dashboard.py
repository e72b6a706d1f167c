"""The start page: staff see their brands and what to do next; client users go to their brand."""

from __future__ import annotations

import html

from saas.extensions import db
from tests import factories


def page(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def test_anonymous_visitor_is_sent_to_sign_in(client):
    resp = client.get("/")
    assert resp.status_code == 302
    assert "/login" in resp.headers["Location"]


def test_new_agency_is_asked_to_create_its_first_brand(db_app, login_as):
    agency = factories.agency(name="Fresh Agency")
    owner = factories.member(agency, "owner", factories.user("fresh@owner.test", "Fresh Owner"))
    db.session.commit()
    body = page(login_as(owner).get("/"))
    assert "Create your first brand workspace" in body
    assert 'href="/brands/new"' in body


def test_owner_sees_my_brands_with_client_people_and_quick_actions(alpha, login_as):
    body = page(login_as(alpha.owner).get("/"))
    assert "My brands" in body
    assert "Alpha Brand One" in body and "Alpha Brand Two" in body
    assert "2 client people" in body  # leader and team on brand One
    assert "No client people yet" in body  # brand Two
    assert 'href="/brands/new"' in body
    assert "Invite people" in body


def test_consultant_sees_only_assigned_brands(alpha, login_as):
    factories.brand(alpha.agency, name="Unassigned Brand")
    db.session.commit()
    body = page(login_as(alpha.consultant).get("/"))
    main = body[body.find("<main") : body.find("</main>")]
    assert "Alpha Brand One" in main and "Unassigned Brand" not in main


def test_client_leader_with_one_brand_goes_straight_to_it(alpha, login_as):
    resp = login_as(alpha.leader).get("/")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/brands/{alpha.brand.id}")


def test_client_user_with_two_brands_chooses_from_a_list(alpha, login_as):
    member = factories.member(
        alpha.agency,
        "client_team",
        factories.user("two@alpha.test", "Two Brands"),
        brands=[alpha.brand, alpha.other_brand],
    )
    db.session.commit()
    resp = login_as(member).get("/")
    assert resp.status_code == 200
    body = page(resp)
    assert "Your brands" in body
    assert "Alpha Brand One" in body and "Alpha Brand Two" in body
    assert 'href="/brands/new"' not in body


def test_client_user_without_brands_is_told_what_to_do(alpha, login_as):
    member = factories.member(
        alpha.agency, "client_team", factories.user("none@alpha.test", "No Brand")
    )
    db.session.commit()
    body = page(login_as(member).get("/"))
    assert "Ask your consultant to add you." in body
