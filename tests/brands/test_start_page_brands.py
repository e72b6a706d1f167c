"""The start page's brand cards, totals and the layout's brand switcher come from one
query: do they still show exactly the brands of the reader's scope, with the right counts?"""

from __future__ import annotations

import re

from sqlalchemy import update

from saas.extensions import db
from saas.models import Brand
from tenants.context import tenant_scope
from tenants.models import utcnow
from tests import factories


def _switcher(page: str) -> list[str]:
    menu = re.search(r'<details class="brandswitch">.*?</details>', page, re.S)
    return re.findall(r"<bdi>([^<]+)</bdi></a>", menu.group(0)) if menu else []


def test_a_consultant_sees_only_assigned_brands_and_their_counts(alpha, login_as, client):
    extra = factories.brand(alpha.agency, name="Alpha Unassigned")
    archived = factories.brand(alpha.agency, name="Alpha Old")
    factories.member(alpha.agency, "client_team", brands=[alpha.brand])
    with tenant_scope(alpha.agency.id):
        db.session.execute(
            update(Brand).where(Brand.id == archived.id).values(archived_at=utcnow())
        )
    db.session.commit()
    factories.member(alpha.agency, "client_leader", brands=[archived])  # not counted: archived
    db.session.commit()

    login_as(alpha.consultant)
    page = client.get("/").get_data(as_text=True)
    assert extra.name not in page and archived.name not in page
    assert sorted(_switcher(page)) == sorted([alpha.brand.name, alpha.other_brand.name])
    assert "2 active brands" in page
    assert "archived brand" not in page  # the archived brand is not the consultant's
    # Brand One: the world's leader and team plus one more; Brand Two: nobody.
    assert "3 client people" in page and "No client people yet" in page

    login_as(alpha.owner)
    page = client.get("/").get_data(as_text=True)
    assert "3 active brands" in page and "1 archived brand" in page
    assert extra.name in page and archived.name not in _switcher(page)
    # The switcher on another page lists the same brands, by name.
    other = client.get(f"/brands/{alpha.brand.id}/goals").get_data(as_text=True)
    assert _switcher(other) == _switcher(page) == sorted(_switcher(page))


def test_the_start_page_keeps_its_totals_when_every_brand_is_archived(alpha, login_as, client):
    with tenant_scope(alpha.agency.id):
        db.session.execute(update(Brand).values(archived_at=utcnow()))
    db.session.commit()
    login_as(alpha.owner)
    page = client.get("/").get_data(as_text=True)
    assert "Create your first brand workspace" in page
    assert "2 archived brands" in page
    assert _switcher(page) == []


def test_a_narrowed_member_switches_between_their_active_brands_only(alpha, login_as, client):
    """A member narrowed to some brands gets the switcher from the brands that came with
    their membership (no query): their active brands by name, never another's or an
    archived one, and a rename shows on the next request."""
    zed = factories.brand(alpha.agency, name="Zed Brand")
    old = factories.brand(alpha.agency, name="Aardvark Old")
    factories.brand(alpha.agency, name="Alpha Unassigned")
    member = factories.member(alpha.agency, "client_team", brands=[zed, old, alpha.brand])
    with tenant_scope(alpha.agency.id):
        db.session.execute(update(Brand).where(Brand.id == old.id).values(archived_at=utcnow()))
    db.session.commit()

    login_as(member)
    page = client.get(f"/brands/{alpha.brand.id}/goals").get_data(as_text=True)
    assert _switcher(page) == sorted([alpha.brand.name, "Zed Brand"])

    with tenant_scope(alpha.agency.id):
        db.session.execute(update(Brand).where(Brand.id == zed.id).values(name="Able Brand"))
    db.session.commit()
    page = client.get(f"/brands/{alpha.brand.id}/goals").get_data(as_text=True)
    assert _switcher(page) == ["Able Brand", alpha.brand.name]
