"""Brand workspaces in the browser: list, create, overview, edit, archive, consultants."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from saas.extensions import db
from saas.models import AuditEvent, Brand, BrandAccess
from tenants.context import tenant_scope
from tests import factories

VALID = {"name": "Cedar Coffee", "industry": "Hospitality", "website": "https://cedar.example",
         "timezone": "Asia/Dubai", "language": "ar"}  # fmt: skip


def brand_count(agency_id: int) -> int:
    with tenant_scope(agency_id):
        return db.session.scalar(select(func.count(Brand.id)))


def text(resp) -> str:
    """The page as a person reads it (entities decoded)."""
    return html.unescape(resp.get_data(as_text=True))


def main(resp) -> str:
    """Only the page's own content: the layout's brand switcher lists brands too."""
    page = text(resp)
    start, end = page.find("<main"), page.find("</main>")
    assert start != -1 and end != -1, "the page has no <main>"
    return page[start:end]


# --- list ----------------------------------------------------------------------------------


def test_list_shows_the_agencys_brands_with_their_consultant(alpha, login_as):
    client = login_as(alpha.owner)
    resp = client.get("/brands/")
    assert resp.status_code == 200
    page = text(resp)
    assert "Alpha Brand One" in page and "Alpha Brand Two" in page
    assert "Alpha Industry" in page
    assert "Alpha Consultant" in page
    assert 'href="/brands/new"' in page


def test_new_agency_sees_the_teaching_empty_state(db_app, login_as):
    agency = factories.agency(name="Fresh Agency")
    owner = factories.member(agency, "owner", factories.user("fresh@owner.test", "Fresh Owner"))
    db.session.commit()
    client = login_as(owner)
    page = text(client.get("/brands/"))
    assert "A brand workspace holds a client's goals, audiences and plans." in page
    assert "Create a brand workspace" in page


def test_search_finds_brands_by_part_of_the_name_in_any_case(alpha, login_as):
    client = login_as(alpha.owner)
    page = main(client.get("/brands/?q=bRaNd tWo"))
    assert "Alpha Brand Two" in page and "Alpha Brand One" not in page
    page = main(client.get("/brands/?q=nothing-like-this"))
    assert "No brand matches" in page


def test_twenty_five_brands_make_two_pages(alpha, login_as):
    for i in range(25):
        factories.brand(alpha.agency, name=f"Paged {i:02d}")
    db.session.commit()
    client = login_as(alpha.owner)
    first = main(client.get("/brands/?q=paged"))
    assert "Paged 00" in first and "Paged 19" in first and "Paged 20" not in first
    assert "Page 1 of 2" in first
    second = main(client.get("/brands/?q=paged&page=2"))
    assert "Paged 20" in second and "Paged 24" in second and "Paged 19" not in second


def test_archived_brands_are_hidden_until_asked_for(alpha, login_as):
    client = login_as(alpha.owner)
    client.post(f"/brands/{alpha.other_brand.id}/archive")
    assert "Alpha Brand Two" not in main(client.get("/brands/"))
    archived = main(client.get("/brands/?archived=1"))
    assert "Alpha Brand Two" in archived and "Alpha Brand One" not in archived


# --- create --------------------------------------------------------------------------------


def test_owner_creates_a_brand_and_lands_on_its_overview(alpha, login_as, brand_named):
    client = login_as(alpha.owner)
    assert client.get("/brands/new").status_code == 200
    resp = client.post("/brands/new", data=VALID)
    assert resp.status_code == 303
    brand = brand_named(alpha.agency.id, "Cedar Coffee")
    assert brand is not None and brand.timezone == "Asia/Dubai" and brand.language == "ar"
    assert resp.headers["Location"].endswith(f"/brands/{brand.id}")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the brand"),
        ({"name": "x" * 121}, "Use at most 120 characters."),
        (
            {"website": "javascript:alert(1)"},
            "Enter a web address starting with http:// or https://.",
        ),
        ({"timezone": "Mars/Olympus"}, "Choose a time zone from the list"),
        ({"language": "fr"}, "Choose English or Arabic."),
    ],
)
def test_invalid_new_brand_shows_the_message_and_saves_nothing(alpha, login_as, changes, message):
    client = login_as(alpha.owner)
    resp = client.post("/brands/new", data={**VALID, **changes})
    assert resp.status_code == 422
    assert message in text(resp)
    assert 'class="error"' in text(resp)
    assert brand_count(alpha.agency.id) == 2


def test_consultant_who_creates_a_brand_can_open_it_next(alpha, login_as, brand_named):
    client = login_as(alpha.consultant)
    resp = client.post("/brands/new", data={**VALID, "name": "Consultant Made"})
    assert resp.status_code == 303
    follow = client.get(resp.headers["Location"])
    assert follow.status_code == 200
    assert "Consultant Made" in text(follow)
    assert "Alpha Consultant" in text(follow)


# --- overview ------------------------------------------------------------------------------


def test_overview_shows_details_people_and_no_placeholders(alpha, login_as):
    client = login_as(alpha.owner)
    resp = client.get(f"/brands/{alpha.brand.id}")
    assert resp.status_code == 200
    page = text(resp)
    assert "Alpha Brand One" in page
    assert 'href="https://alpha-one.example" rel="noopener noreferrer"' in page
    assert "UTC" in page
    assert "Alpha Consultant" in page
    assert "Alpha Leader" in page and "Alpha Team" in page
    for section in ("Goals", "Social plans", "Reports"):
        assert f">{section}</h2>" in page
    assert "Coming soon" not in page and "Not available yet" not in page
    assert f'href="/brands/{alpha.brand.id}/reports"' in page
    assert f'href="/brands/{alpha.brand.id}/edit"' in page


def test_overview_of_an_arabic_brand_is_rendered_right_to_left(alpha, login_as, db_app):
    brand = factories.brand(alpha.agency, name="Arabic Brand", language="ar")
    db.session.commit()
    client = login_as(alpha.owner)
    # A fresh app context: in tests requests otherwise share one ``g`` (and its cached locale).
    with db_app.app_context():
        page = text(client.get(f"/brands/{brand.id}"))
    assert '<html lang="ar" dir="rtl">' in page


def test_client_leader_sees_their_brand_without_edit_buttons(alpha, login_as):
    client = login_as(alpha.leader)
    page = text(client.get(f"/brands/{alpha.brand.id}"))
    assert "Alpha Brand One" in page
    assert "/edit" not in page and "/archive" not in page
    listing = main(client.get("/brands/"))
    assert "Alpha Brand One" in listing and "Alpha Brand Two" not in listing
    assert 'href="/brands/new"' not in listing


def test_client_leader_gets_404_for_the_other_brand_and_403_on_create(alpha, login_as):
    client = login_as(alpha.leader)
    assert client.get(f"/brands/{alpha.other_brand.id}").status_code == 404
    assert client.get(f"/brands/{alpha.other_brand.id}/logo").status_code == 404
    assert client.get("/brands/new").status_code == 403
    assert client.post("/brands/new", data=VALID).status_code == 403
    assert client.post(f"/brands/{alpha.brand.id}/edit", data=VALID).status_code == 403
    assert client.post(f"/brands/{alpha.brand.id}/archive").status_code == 403
    assert brand_count(alpha.agency.id) == 2


def test_consultant_sees_only_assigned_brands(alpha, login_as):
    unassigned = factories.brand(alpha.agency, name="Unassigned Brand")
    db.session.commit()
    client = login_as(alpha.consultant)
    assert "Unassigned Brand" not in text(client.get("/brands/"))  # nor in the switcher
    assert client.get(f"/brands/{unassigned.id}").status_code == 404
    assert client.get(f"/brands/{unassigned.id}/edit").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["", "/edit", "/archive", "/restore", "/consultants", "/logo"],
)
def test_bravo_owner_gets_404_on_alphas_brand_pages(alpha, bravo, login_as, path):
    client = login_as(bravo.owner)
    resp = client.get(f"/brands/{alpha.brand.id}{path}")
    assert resp.status_code == 404
    assert "Alpha" not in text(resp)
    assert client.post(f"/brands/{alpha.brand.id}{path}", data=VALID).status_code in (404, 405)
    with tenant_scope(alpha.agency.id):
        brand = db.session.scalar(select(Brand).where(Brand.id == alpha.brand.id))
    assert brand.name == "Alpha Brand One" and brand.archived_at is None


def test_anonymous_visitor_is_sent_to_sign_in(client, alpha):
    resp = client.get(f"/brands/{alpha.brand.id}")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


# --- edit, archive, restore ----------------------------------------------------------------


def test_consultant_edits_a_brand(alpha, login_as, brand_named, audit_actions):
    client = login_as(alpha.consultant)
    form = text(client.get(f"/brands/{alpha.brand.id}/edit"))
    assert 'enctype="multipart/form-data"' in form and 'value="Alpha Brand One"' in form
    resp = client.post(
        f"/brands/{alpha.brand.id}/edit",
        data={**VALID, "name": "Alpha Brand Renamed", "website": "alpha.example"},
    )
    assert resp.status_code == 303
    brand = brand_named(alpha.agency.id, "Alpha Brand Renamed")
    assert brand.website == "https://alpha.example"
    assert "brand.updated" in audit_actions(alpha.agency.id)


def test_invalid_edit_keeps_the_old_values(alpha, login_as, brand_named):
    client = login_as(alpha.owner)
    resp = client.post(
        f"/brands/{alpha.brand.id}/edit", data={**VALID, "name": "", "timezone": "Nowhere/Land"}
    )
    assert resp.status_code == 422
    assert "Enter the brand" in text(resp) and "Choose a time zone" in text(resp)
    brand = brand_named(alpha.agency.id, "Alpha Brand One")
    assert brand is not None and brand.timezone == "UTC"


def test_archive_asks_first_then_archives_and_restore_undoes_it(alpha, login_as, audit_actions):
    client = login_as(alpha.owner)
    confirm = client.get(f"/brands/{alpha.brand.id}/archive")
    assert confirm.status_code == 200
    assert "Archive this brand?" in text(confirm) and 'method="post"' in text(confirm)
    with tenant_scope(alpha.agency.id):
        assert (
            db.session.scalar(select(Brand.archived_at).where(Brand.id == alpha.brand.id)) is None
        )

    assert client.post(f"/brands/{alpha.brand.id}/archive").status_code == 303
    page = text(client.get(f"/brands/{alpha.brand.id}"))
    assert "This brand was archived on" in page
    assert f'href="/brands/{alpha.brand.id}/restore"' in page

    assert "Restore this brand?" in text(client.get(f"/brands/{alpha.brand.id}/restore"))
    assert client.post(f"/brands/{alpha.brand.id}/restore").status_code == 303
    with tenant_scope(alpha.agency.id):
        assert (
            db.session.scalar(select(Brand.archived_at).where(Brand.id == alpha.brand.id)) is None
        )
    actions = audit_actions(alpha.agency.id)
    assert actions.count("brand.archived") == 1 and actions.count("brand.restored") == 1


# --- consultants ---------------------------------------------------------------------------


def consultant_links(agency_id: int, brand_id: int) -> set[int]:
    with tenant_scope(agency_id):
        return set(
            db.session.scalars(
                select(BrandAccess.membership_id).where(BrandAccess.brand_id == brand_id)
            )
        )


def test_owner_assigns_consultants_without_touching_client_access(alpha, login_as, audit_actions):
    second = factories.member(
        alpha.agency, "consultant", factories.user("second@alpha.test", "Second Consultant")
    )
    db.session.commit()
    client = login_as(alpha.owner)
    page = text(client.get(f"/brands/{alpha.brand.id}/consultants"))
    assert "Second Consultant" in page and "Alpha Consultant" in page

    resp = client.post(f"/brands/{alpha.brand.id}/consultants", data={"consultants": [second.id]})
    assert resp.status_code == 303
    links = consultant_links(alpha.agency.id, alpha.brand.id)
    assert second.id in links and alpha.consultant.id not in links
    assert {alpha.leader.id, alpha.team.id} <= links
    assert "brand.consultants_assigned" in audit_actions(alpha.agency.id)


def test_consultant_from_another_agency_cannot_be_assigned(alpha, bravo, login_as):
    client = login_as(alpha.owner)
    resp = client.post(
        f"/brands/{alpha.brand.id}/consultants", data={"consultants": [bravo.consultant.id]}
    )
    assert resp.status_code == 422
    assert "Choose consultants of this agency." in text(resp)
    assert bravo.consultant.id not in consultant_links(alpha.agency.id, alpha.brand.id)


def test_only_the_owner_assigns_consultants(alpha, login_as):
    client = login_as(alpha.consultant)
    assert client.get(f"/brands/{alpha.brand.id}/consultants").status_code == 403
    assert "Choose consultants" not in text(client.get(f"/brands/{alpha.brand.id}"))


def test_web_changes_are_audited_with_the_brand(alpha, login_as):
    client = login_as(alpha.owner)
    client.post("/brands/new", data=VALID)
    with tenant_scope(alpha.agency.id):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "brand.created"))
    assert event.object_type == "Brand" and event.object_label == "Cedar Coffee"


def test_brand_list_and_home_queries_do_not_grow_with_brands(alpha, login_as):
    """Are consultants and people loaded in bulk, not one query per brand?"""
    from sqlalchemy import event

    client = login_as(alpha.owner)
    paths = ("/brands/", "/")

    def queries(path: str) -> int:
        statements: list[str] = []

        def count(*_args) -> None:
            statements.append("q")

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    for path in paths:
        queries(path)  # warm up: the first request of a session loads more
    few = {path: queries(path) for path in paths}
    for i in range(10):
        consultant = factories.member(alpha.agency, "consultant")
        factories.member(alpha.agency, "client_team", brands=[alpha.brand])
        factories.brand(alpha.agency, name=f"More {i}")
        with tenant_scope(alpha.agency.id):
            db.session.add(BrandAccess(brand_id=alpha.other_brand.id, membership_id=consultant.id))
            db.session.commit()
    many = {path: queries(path) for path in paths}
    assert many == few
