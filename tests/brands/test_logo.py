"""Brand logos: only real images are kept, each tenant's logo is served only to its people."""

from __future__ import annotations

import html
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import Brand
from tenants.context import tenant_scope
from tests.brands.conftest import SVG, png_bytes

FIELDS = {"name": "Alpha Brand One", "timezone": "UTC", "language": "en"}


def upload(client, brand_id: int, data: bytes, filename: str = "logo.png", mimetype="image/png"):
    return client.post(
        f"/brands/{brand_id}/edit",
        data={**FIELDS, "logo": (io.BytesIO(data), filename, mimetype)},
        content_type="multipart/form-data",
    )


def logo_path(agency_id: int, brand_id: int) -> str | None:
    db.session.expire_all()
    with tenant_scope(agency_id):
        return db.session.scalar(select(Brand.logo_path).where(Brand.id == brand_id))


def test_png_logo_is_stored_under_the_tenant_and_served_back(
    alpha, login_as, db_app, audit_actions
):
    client = login_as(alpha.owner)
    image = png_bytes()
    resp = upload(client, alpha.brand.id, image, filename="../../evil name.png")
    assert resp.status_code == 303
    stored = logo_path(alpha.agency.id, alpha.brand.id)
    assert stored.startswith(f"{alpha.agency.id}/brands/{alpha.brand.id}/")
    assert stored.endswith(".png") and "evil" not in stored
    assert (Path(db_app.config["UPLOAD_DIR"]) / stored).read_bytes() == image
    assert "brand.logo_uploaded" in audit_actions(alpha.agency.id)

    page = client.get(f"/brands/{alpha.brand.id}").get_data(as_text=True)
    assert f'src="/brands/{alpha.brand.id}/logo?v=' in page
    served = client.get(f"/brands/{alpha.brand.id}/logo")
    assert served.status_code == 200
    assert served.data == image
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in served.headers["Cache-Control"]
    assert "max-age" in served.headers["Cache-Control"]


def test_client_leader_can_see_their_brands_logo(alpha, login_as, client):
    login_as(alpha.owner)
    upload(client, alpha.brand.id, png_bytes())
    client.post("/logout")
    login_as(alpha.leader)
    assert client.get(f"/brands/{alpha.brand.id}/logo").status_code == 200


def test_new_logo_replaces_and_deletes_the_old_file(alpha, login_as, db_app):
    client = login_as(alpha.owner)
    upload(client, alpha.brand.id, png_bytes(2, 2))
    first = logo_path(alpha.agency.id, alpha.brand.id)
    upload(client, alpha.brand.id, png_bytes(3, 3), filename="new.png")
    second = logo_path(alpha.agency.id, alpha.brand.id)
    root = Path(db_app.config["UPLOAD_DIR"])
    assert second != first
    assert (root / second).exists()
    assert not (root / first).exists()


@pytest.mark.parametrize(
    ("data", "filename", "mimetype", "message"),
    [
        (SVG, "logo.svg", "image/svg+xml", "Upload a PNG, JPEG, WebP or GIF image."),
        (
            b"just some text, honestly",
            "logo.png",
            "image/png",
            "Upload a PNG, JPEG, WebP or GIF image.",
        ),
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
def test_files_that_are_not_small_images_are_refused(
    alpha, login_as, data, filename, mimetype, message
):
    client = login_as(alpha.owner)
    resp = upload(client, alpha.brand.id, data, filename, mimetype)
    assert resp.status_code == 422
    assert message in html.unescape(resp.get_data(as_text=True))
    assert logo_path(alpha.agency.id, alpha.brand.id) is None
    assert client.get(f"/brands/{alpha.brand.id}/logo").status_code == 404


def test_refused_logo_leaves_the_other_fields_unchanged(alpha, login_as):
    client = login_as(alpha.owner)
    resp = client.post(
        f"/brands/{alpha.brand.id}/edit",
        data={**FIELDS, "name": "Renamed", "logo": (io.BytesIO(SVG), "logo.png", "image/png")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422
    db.session.expire_all()
    with tenant_scope(alpha.agency.id):
        assert (
            db.session.scalar(select(Brand.name).where(Brand.id == alpha.brand.id))
            == "Alpha Brand One"
        )


def test_logo_of_another_agency_or_brand_is_a_404(alpha, bravo, login_as, client):
    login_as(alpha.owner)
    assert upload(client, alpha.brand.id, png_bytes()).status_code == 303
    assert upload(client, alpha.other_brand.id, png_bytes()).status_code == 303
    client.post("/logout")
    login_as(alpha.leader)
    assert client.get(f"/brands/{alpha.other_brand.id}/logo").status_code == 404
    client.post("/logout")
    login_as(bravo.owner)
    assert client.get(f"/brands/{alpha.brand.id}/logo").status_code == 404


def test_api_gives_the_logo_url(alpha, login_as, api):
    client = login_as(alpha.owner)
    upload(client, alpha.brand.id, png_bytes())
    body = api(alpha.tokens["owner"]).get(f"/api/v1/brands/{alpha.brand.id}").get_json()
    assert body["logo_url"].startswith(f"http://tandem.test/brands/{alpha.brand.id}/logo?v=")
