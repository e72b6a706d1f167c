"""/settings/accent.css: the viewer's agency colour as a CSS variable, or the default."""

from __future__ import annotations

from sqlalchemy import update

from saas.extensions import db
from saas.models import Agency
from tenants.context import system_scope


def _set_colour(agency_id: int, colour: str) -> None:
    with system_scope():
        db.session.execute(update(Agency).where(Agency.id == agency_id).values(accent_color=colour))
        db.session.commit()


def test_signed_out_visitors_get_the_default_colour(client, alpha):
    _set_colour(alpha.agency.id, "#aa0000")

    resp = client.get("/settings/accent.css?v=aa0000")

    assert resp.status_code == 200
    assert resp.mimetype == "text/css"
    assert resp.get_data(as_text=True).strip() == ":root { --accent: #2f5bea; }"


def test_members_get_their_own_agencys_colour(login_as, alpha, bravo):
    _set_colour(alpha.agency.id, "#aa0000")
    _set_colour(bravo.agency.id, "#00bb00")

    css = login_as(bravo.team).get("/settings/accent.css?v=aa0000").get_data(as_text=True)

    assert "#00bb00" in css
    assert "#aa0000" not in css


def test_a_bad_stored_colour_never_reaches_the_stylesheet(login_as, alpha):
    _set_colour(alpha.agency.id, "red;}*")

    css = login_as(alpha.owner).get("/settings/accent.css").get_data(as_text=True)

    assert css.strip() == ":root { --accent: #2f5bea; }"


def test_layout_links_the_accent_stylesheet(login_as, alpha):
    _set_colour(alpha.agency.id, "#123abc")

    page = login_as(alpha.owner).get("/settings/profile").get_data(as_text=True)

    assert "/settings/accent.css?v=123abc" in page
