"""The agency's own logo (white-labelling): only real small images are kept, and each member
sees their own agency's logo, never another's."""

from __future__ import annotations

import html
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import Agency, AuditEvent
from saas.services import storage
from saas.services.errors import ValidationFailed
from tenants.context import tenant_scope
from tests.brands.conftest import SVG, png_bytes

# The smallest valid GIF: one transparent pixel.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00"
    b"\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def upload(client, data: bytes, filename: str = "logo.png", mimetype: str = "image/png"):
    return client.post(
        "/settings/logo",
        data={"logo": (io.BytesIO(data), filename, mimetype)},
        content_type="multipart/form-data",
    )


def stored_logo(agency_id: int) -> str | None:
    db.session.expire_all()
    with tenant_scope(agency_id):
        return db.session.scalar(select(Agency.logo_path).where(Agency.id == agency_id))


def audit_actions(agency_id: int) -> list[str]:
    with tenant_scope(agency_id):
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_owner_uploads_a_logo_that_is_stored_audited_and_served(alpha, login_as, db_app):
    client = login_as(alpha.owner)
    image = png_bytes(4, 4)

    resp = upload(client, image, filename="../../evil name.png")

    assert resp.status_code == 303
    assert resp.headers["Location"].endswith("/settings/")
    stored = stored_logo(alpha.agency.id)
    assert stored.startswith(f"{alpha.agency.id}/agency/")
    assert stored.endswith(".png") and "evil" not in stored
    assert (Path(db_app.config["UPLOAD_DIR"]) / stored).read_bytes() == image
    assert "agency.logo_uploaded" in audit_actions(alpha.agency.id)

    page = client.get("/settings/").get_data(as_text=True)
    assert 'src="/settings/logo?v=' in page
    served = client.get("/settings/logo")
    assert served.status_code == 200
    assert served.data == image
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in served.headers["Cache-Control"]


def test_the_audit_log_names_the_logo_upload_in_words(alpha, login_as):
    client = login_as(alpha.owner)
    upload(client, png_bytes())

    page = client.get("/settings/audit").get_data(as_text=True)

    assert "Uploaded the agency logo" in page


def test_settings_page_offers_the_upload_and_says_when_there_is_no_logo(alpha, login_as):
    page = login_as(alpha.owner).get("/settings/").get_data(as_text=True)

    assert 'action="/settings/logo"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    assert "No logo yet" in page
    assert 'src="/settings/logo' not in page


@pytest.mark.parametrize("role", ["consultant", "leader", "team"])
def test_every_member_sees_their_agencys_logo_but_only_the_owner_changes_it(
    alpha, login_as, client, role
):
    login_as(alpha.owner)
    upload(client, GIF, "logo.gif", "image/gif")
    client.post("/logout")
    login_as(getattr(alpha, role))

    served = client.get("/settings/logo")
    refused = upload(client, png_bytes(), "other.png")

    assert served.status_code == 200
    assert served.data == GIF
    assert served.mimetype == "image/gif"
    assert refused.status_code == 403
    assert stored_logo(alpha.agency.id).endswith(".gif")


def test_another_agency_never_gets_this_agencys_logo(alpha, bravo, login_as, client):
    login_as(alpha.owner)
    upload(client, png_bytes(2, 2))
    client.post("/logout")

    login_as(bravo.owner)
    assert client.get("/settings/logo").status_code == 404
    bravo_image = png_bytes(5, 5)
    upload(client, bravo_image)
    assert client.get("/settings/logo").data == bravo_image
    client.post("/logout")

    login_as(alpha.owner)
    assert client.get("/settings/logo").data == png_bytes(2, 2)


def test_no_logo_is_a_404_and_signed_out_visitors_are_sent_to_sign_in(alpha, login_as, client):
    assert client.get("/settings/logo").status_code in (302, 303)
    login_as(alpha.owner)
    assert client.get("/settings/logo").status_code == 404


@pytest.mark.parametrize(
    ("data", "filename", "mimetype", "message"),
    [
        (SVG, "logo.svg", "image/svg+xml", "Upload a PNG, JPEG, WebP or GIF image."),
        (b"just text, honestly", "logo.png", "image/png", "Upload a PNG, JPEG, WebP or GIF image."),
        (
            png_bytes() + b"\0" * (2 * 1024 * 1024),
            "big.png",
            "image/png",
            "The file is too large: the limit is 1 MB.",
        ),
        (b"", "empty.png", "image/png", "The file is empty."),
    ],
    ids=["svg", "text-renamed-png", "two-megabytes", "empty"],
)
def test_files_that_are_not_small_images_are_refused_next_to_the_field(
    alpha, login_as, data, filename, mimetype, message
):
    client = login_as(alpha.owner)

    resp = upload(client, data, filename, mimetype)

    assert resp.status_code == 422
    body = html.unescape(resp.get_data(as_text=True))
    assert 'id="logo-error"' in body
    assert message in body
    assert stored_logo(alpha.agency.id) is None
    assert "agency.logo_uploaded" not in audit_actions(alpha.agency.id)


def test_sending_no_file_asks_for_one(alpha, login_as):
    client = login_as(alpha.owner)

    resp = client.post("/settings/logo", data={}, content_type="multipart/form-data")

    assert resp.status_code == 422
    assert "Choose an image file to upload." in html.unescape(resp.get_data(as_text=True))


def test_a_new_logo_replaces_and_deletes_the_old_file(alpha, login_as, db_app):
    client = login_as(alpha.owner)
    upload(client, png_bytes(2, 2))
    first = stored_logo(alpha.agency.id)
    upload(client, GIF, "new.gif", "image/gif")
    second = stored_logo(alpha.agency.id)

    root = Path(db_app.config["UPLOAD_DIR"])
    assert second != first
    assert (root / second).read_bytes() == GIF
    assert not (root / first).exists()


def test_storage_keeps_agency_logos_apart_from_brand_logos(db_app):
    path = storage.save_agency_logo(7, io.BytesIO(png_bytes()))
    brand_path = storage.save_brand_logo(7, 3, io.BytesIO(png_bytes()))

    assert path.startswith("7/agency/") and path.endswith(".png")
    assert brand_path.startswith("7/brands/3/")
    assert storage.resolve(path).read_bytes() == png_bytes()
    with db_app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        storage.save_agency_logo(7, io.BytesIO(SVG))
    assert "logo" in refused.value.fields
