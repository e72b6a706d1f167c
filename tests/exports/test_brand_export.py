"""A leaving client: one brand exported on its own (its rows and files, nothing of another
brand or agency), then removed for good after its name is typed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from saas.extensions import db
from saas.models import AuditEvent, Goal, Report
from saas.models.exports import Export
from saas.services import exports as service
from tenants.context import system_scope, tenant_scope
from tenants.models import Brand
from tests.exports.conftest import PNG, unzip
from tests.factories import planning_data


def _second_brand_files(world, app) -> tuple[bytes, bytes]:
    """A logo and a report PDF for the world's *other* brand."""
    agency_id = world.agency.id
    logo = PNG + b"OTHER-BRAND-LOGO"
    pdf = b"%PDF-1.7\nOTHER-BRAND-PDF"
    uploads = Path(app.config["UPLOAD_DIR"]) / str(agency_id)
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "brand2.png").write_bytes(logo)
    with tenant_scope(agency_id):
        brand = db.session.scalar(select(Brand).where(Brand.id == world.other_brand.id))
        brand.logo_path = f"{agency_id}/brand2.png"
        report = Report(
            brand_id=brand.id,
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
            status="ready",
            progress=100,
        )
        db.session.add(report)
        db.session.flush()
        report.file_path = f"{agency_id}/{report.id}.pdf"
        folder = Path(app.config["REPORTS_DIR"]) / str(agency_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{report.id}.pdf").write_bytes(pdf)
        db.session.commit()
    return logo, pdf


def _brand_logo(world, app) -> tuple[bytes, Path]:
    agency_id = world.agency.id
    logo = PNG + b"BRAND-ONE-LOGO"
    folder = Path(app.config["UPLOAD_DIR"]) / str(agency_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "brand1.png").write_bytes(logo)
    with tenant_scope(agency_id):
        brand = db.session.scalar(select(Brand).where(Brand.id == world.brand.id))
        brand.logo_path = f"{agency_id}/brand1.png"
        db.session.commit()
    return logo, folder / "brand1.png"


def _export_brand(api, token, brand_id, run_jobs) -> int:
    resp = api(token).post(f"/api/v1/brands/{brand_id}/exports")
    assert resp.status_code == 202, resp.get_json()
    body = resp.get_json()
    assert set(body) == {"id", "status"}
    run_jobs(90)
    return body["id"]


def test_a_brand_export_holds_that_brand_and_nothing_of_another(
    api, alpha, bravo, seeded, run_jobs, db_app
):
    alpha_files, bravo_files = seeded
    planning_data(alpha.agency, alpha.brand, goals=2, campaigns=2, calendar=3)
    planning_data(alpha.agency, alpha.other_brand, goals=2, campaigns=2, calendar=3)
    brand_logo, _ = _brand_logo(alpha, db_app)
    other_logo, other_pdf = _second_brand_files(alpha, db_app)

    export_id = _export_brand(api, alpha.tokens["owner"], alpha.brand.id, run_jobs)
    body = api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}").get_json()
    assert body["status"] == "ready" and body["brand_id"] == alpha.brand.id, body
    resp = api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}/download")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    assert f"brand-{alpha.brand.id}" in resp.headers["Content-Disposition"]
    files = unzip(resp.data)

    manifest = json.loads(files["manifest.json"])
    assert manifest["brand_id"] == alpha.brand.id
    brands = json.loads(files["json/brands.json"])
    assert [b["name"] for b in brands] == ["Alpha Brand One"]
    goals = json.loads(files["json/goals.json"])
    assert "Alpha Goal marker" in {g["title"] for g in goals} and len(goals) == 3
    for table in ("campaigns", "calendar_items", "plans", "plan_revisions", "audiences"):
        rows = json.loads(files[f"json/{table}.json"])
        assert rows, table  # the brand's planning data is there...
        assert {r["brand_id"] for r in rows} == {alpha.brand.id}, table  # ...and only it
    # Every brand-owned table is present, each row the brand's; agency tables are left out.
    for model in service.models_for(alpha.brand.id):
        rows = json.loads(files[f"json/{model.__tablename__}.json"])
        assert all(r.get("brand_id", alpha.brand.id) == alpha.brand.id for r in rows)
    for agency_table in ("memberships", "audit_events", "outbox_messages", "invitations"):
        assert f"json/{agency_table}.json" not in files
    users = {u["email"] for u in json.loads(files["json/users.json"])}
    # The people assigned to the brand (the owner sees every brand without an assignment).
    assert users == {"consultant@alpha.test", "leader@alpha.test", "team@alpha.test"}

    contents = list(files.values())
    assert brand_logo in contents and alpha_files.pdf in contents
    everything = b"\n".join(files.values())
    assert other_logo not in everything and other_pdf not in everything
    assert b"Alpha Brand Two" not in everything
    assert b"bravo" not in everything.lower()
    assert bravo_files.pdf not in everything and bravo_files.logo not in everything
    for secret in alpha_files.secrets:
        assert secret.encode() not in everything


def test_removing_a_brand_needs_its_name_and_deletes_its_rows_and_files(
    api, alpha, bravo, seeded, run_jobs, db_app
):
    alpha_files, _ = seeded
    planning_data(alpha.agency, alpha.brand, goals=2, campaigns=2, calendar=3)
    planning_data(alpha.agency, alpha.other_brand, goals=2, campaigns=2, calendar=3)
    _, logo_path = _brand_logo(alpha, db_app)
    export_id = _export_brand(api, alpha.tokens["owner"], alpha.brand.id, run_jobs)
    with tenant_scope(alpha.agency.id):
        pdf_path = Path(db_app.config["REPORTS_DIR"]) / db.session.scalar(
            select(Report.file_path).where(Report.brand_id == alpha.brand.id)
        )
        before = db.session.scalar(select(func.count(Goal.id)))
    assert pdf_path.read_bytes() == alpha_files.pdf and logo_path.is_file()
    url = f"/api/v1/brands/{alpha.brand.id}/removal"

    wrong = api(alpha.tokens["owner"]).post(url, json={"confirm_name": "Alpha Brand"})
    assert wrong.status_code == 422
    assert "confirm_name" in wrong.get_json()["error"]["fields"]
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(func.count(Goal.id))) == before
        assert db.session.scalar(select(Brand.id).where(Brand.id == alpha.brand.id))
    assert pdf_path.is_file() and logo_path.is_file()
    assert (
        api(alpha.tokens["consultant"])
        .post(url, json={"confirm_name": "Alpha Brand One"})
        .status_code
        == 403
    )

    ok = api(alpha.tokens["owner"]).post(url, json={"confirm_name": " Alpha  Brand One "})
    assert ok.status_code == 204, ok.get_json()
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Brand.id).where(Brand.id == alpha.brand.id)) is None
        assert (
            db.session.scalar(select(func.count(Goal.id)).where(Goal.brand_id == alpha.brand.id))
            == 0
        )
        assert db.session.scalar(select(func.count(Goal.id))) == 2  # brand Two's stay
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "brand.removed"))
        assert audit.object_label == "Alpha Brand One" and audit.object_id == alpha.brand.id
        export = db.session.scalar(select(Export).where(Export.id == export_id))
        assert export.scope_label == "Alpha Brand One"
    assert not pdf_path.exists() and not logo_path.exists()
    # The export made just before can still be downloaded.
    resp = api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}/download")
    assert resp.status_code == 200
    assert api(alpha.tokens["owner"]).get(f"/api/v1/brands/{alpha.brand.id}").status_code == 404


def test_another_agency_cannot_export_or_remove_a_brand(api, alpha, bravo, db_app):
    bravo_api = api(bravo.tokens["owner"])
    resp = bravo_api.post(f"/api/v1/brands/{alpha.brand.id}/exports")
    assert resp.status_code == 404
    resp = bravo_api.post(
        f"/api/v1/brands/{alpha.brand.id}/removal", json={"confirm_name": "Alpha Brand One"}
    )
    assert resp.status_code == 404
    with system_scope():
        assert db.session.scalar(select(Brand.id).where(Brand.id == alpha.brand.id))
        assert db.session.scalar(select(func.count(Export.id))) == 0


def test_the_brand_pages_export_and_remove_with_a_typed_name(
    client, login_as, alpha, db_app, run_jobs
):
    login_as(alpha.owner)
    show = client.get(f"/brands/{alpha.brand.id}").get_data(as_text=True)
    assert f"/brands/{alpha.brand.id}/offboard" in show
    page = client.get(f"/brands/{alpha.brand.id}/offboard")
    assert page.status_code == 200
    resp = client.post(f"/brands/{alpha.brand.id}/export", data={})
    assert resp.status_code == 303
    run_jobs(90)
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Export.scope_brand_id)) == alpha.brand.id

    wrong = client.post(f"/brands/{alpha.brand.id}/remove", data={"confirm_name": "Alpha Brand 1"})
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert "Type the brand&#39;s name exactly as shown to confirm." in html
    assert 'value="Alpha Brand 1"' in html  # the input is kept
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Brand.id).where(Brand.id == alpha.brand.id))

    client.get("/language/ar")
    wrong_ar = client.post(f"/brands/{alpha.brand.id}/remove", data={"confirm_name": "x"})
    assert wrong_ar.status_code == 422 and 'dir="rtl"' in wrong_ar.get_data(as_text=True)

    ok = client.post(f"/brands/{alpha.brand.id}/remove", data={"confirm_name": "Alpha Brand One"})
    assert ok.status_code == 303
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Brand.id).where(Brand.id == alpha.brand.id)) is None


def test_the_removal_form_needs_its_csrf_token(client, login_as, alpha, db_app):
    login_as(alpha.owner)
    db_app.config["WTF_CSRF_ENABLED"] = True
    try:
        resp = client.post(
            f"/brands/{alpha.brand.id}/remove", data={"confirm_name": "Alpha Brand One"}
        )
    finally:
        db_app.config["WTF_CSRF_ENABLED"] = False
    assert resp.status_code == 400
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Brand.id).where(Brand.id == alpha.brand.id))
