"""Settings → Export your data: an owner asks, watches, downloads; nobody else can."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from saas.extensions import db
from saas.models import AuditEvent
from saas.models.exports import Export
from tenants.context import tenant_scope
from tenants.models import utcnow
from tests.exports.conftest import unzip


def test_owner_requests_and_downloads_the_export(client, login_as, alpha, seeded, run_jobs):
    alpha_files, _bravo_files = seeded
    login_as(alpha.owner)
    page = client.get("/settings/exports")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Export your data" in html
    assert "Download the export" not in html
    assert 'href="/settings/exports"' in client.get("/settings/").get_data(as_text=True)

    resp = client.post("/settings/exports", data={})
    assert resp.status_code in (302, 303)
    run_jobs()
    html = client.get("/settings/exports").get_data(as_text=True)
    assert "Ready" in html
    assert "Available until" in html
    assert 'http-equiv="refresh"' not in html
    with tenant_scope(alpha.agency.id):
        export_id = db.session.scalar(select(Export.id))
    link = f"/settings/exports/{export_id}/download"
    assert link in html

    download = client.get(link)
    assert download.status_code == 200
    assert download.mimetype == "application/zip"
    files = unzip(download.data)
    assert alpha_files.logo in files.values()
    assert b"bravo" not in b"".join(files.values()).lower()
    with tenant_scope(alpha.agency.id):
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"export.requested", "export.downloaded"} <= actions


def test_page_refreshes_while_the_export_is_built(client, login_as, alpha, db_app):
    with tenant_scope(alpha.agency.id):
        db.session.add(Export(requested_by_id=alpha.owner.user_id, status="running", progress=42))
        db.session.commit()
    login_as(alpha.owner)
    html = client.get("/settings/exports").get_data(as_text=True)
    assert 'http-equiv="refresh"' in html
    assert 'value="42"' in html
    # No second request while one is being built: no button, and a POST is refused.
    assert "Export the agency&#39;s data</button>" not in html
    client.post("/settings/exports", data={})
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(db.func.count(Export.id))) == 1


def test_expired_export_says_so_and_its_download_is_gone(client, login_as, alpha, db_app):
    with tenant_scope(alpha.agency.id):
        export = Export(
            requested_by_id=alpha.owner.user_id,
            status="ready",
            progress=100,
            size=10,
            path=f"{alpha.agency.id}/missing.zip",
            finished_at=utcnow() - timedelta(days=8),
            expires_at=utcnow() - timedelta(days=1),
        )
        db.session.add(export)
        db.session.commit()
        export_id = export.id
    login_as(alpha.owner)
    html = client.get("/settings/exports").get_data(as_text=True)
    assert "This export has expired" in html
    assert f"/settings/exports/{export_id}/download" not in html
    assert client.get(f"/settings/exports/{export_id}/download").status_code == 410


def test_only_the_owner_sees_the_page(client, login_as, alpha, db_app):
    login_as(alpha.consultant)
    assert client.get("/settings/exports").status_code == 403
    assert client.post("/settings/exports", data={}).status_code == 403
    assert 'href="/settings/exports"' not in client.get("/settings/profile").get_data(as_text=True)
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Export.id)) is None


def test_another_agency_cannot_download(client, login_as, alpha, bravo, seeded, run_jobs, api):
    login_as(bravo.owner)  # before the jobs run: waiting for them expires loaded rows
    resp = api(alpha.tokens["owner"]).post("/api/v1/exports")
    run_jobs()
    export_id = resp.get_json()["id"]
    resp = client.get(f"/settings/exports/{export_id}/download")
    assert resp.status_code == 404
    assert resp.mimetype != "application/zip"


def test_the_page_reads_in_arabic(client, login_as, alpha, db_app):
    with tenant_scope(alpha.agency.id):
        db.session.add(Export(requested_by_id=alpha.owner.user_id, status="running", progress=10))
        db.session.commit()
    login_as(alpha.owner)
    client.get("/language/ar")
    html = client.get("/settings/exports").get_data(as_text=True)
    assert 'dir="rtl"' in html
    assert "تصدير البيانات" in html
    assert "قيد التجهيز" in html
    assert "Export your data" not in html
