"""The agency's data export over the API: the zip holds Alpha's data and nothing of Bravo's,
no secret, and only Alpha's owner can ask for it, read it and download it."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from sqlalchemy import select

from saas.extensions import db
from saas.models.exports import Export
from saas.services import exports as service
from tenants.context import tenant_scope
from tenants.models import utcnow
from tests.exports.conftest import unzip


def _export(api, token, run_jobs):
    resp = api(token).post("/api/v1/exports")
    assert resp.status_code == 202, resp.get_json()
    body = resp.get_json()
    assert set(body) == {"id", "status"}
    assert body["status"] in ("queued", "running", "ready")
    run_jobs()
    return body["id"]


def test_owner_exports_the_agency_and_nothing_of_another(api, alpha, bravo, seeded, run_jobs):
    alpha_files, bravo_files = seeded
    export_id = _export(api, alpha.tokens["owner"], run_jobs)

    status = api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}")
    assert status.status_code == 200
    body = status.get_json()
    assert body["status"] == "ready", body
    assert body["progress"] == 100
    assert body["size"] > 0
    assert body["error"] is None
    assert body["expires_at"] and body["created_at"]

    resp = api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}/download")
    assert resp.status_code == 200
    assert resp.mimetype == "application/zip"
    assert len(resp.data) == body["size"]
    files = unzip(resp.data)

    # JSON per entity and CSV per table, for every tenant-owned table.
    for model in service.exported_models():
        assert f"json/{model.__tablename__}.json" in files, model.__tablename__
        assert f"csv/{model.__tablename__}.csv" in files, model.__tablename__
    assert {"json/agency.json", "json/users.json", "csv/users.csv", "manifest.json"} <= set(files)

    agency = json.loads(files["json/agency.json"])
    assert [a["name"] for a in agency] == ["Alpha Agency"]
    goals = json.loads(files["json/goals.json"])
    assert [g["title"] for g in goals] == ["Alpha Goal marker"]
    brands = list(csv.DictReader(io.StringIO(files["csv/brands.csv"].decode())))
    assert sorted(b["name"] for b in brands) == ["Alpha Brand One", "Alpha Brand Two"]
    users = json.loads(files["json/users.json"])
    assert sorted(u["email"] for u in users) == [
        "consultant@alpha.test",
        "leader@alpha.test",
        "owner@alpha.test",
        "team@alpha.test",
    ]
    assert set(users[0]) == {"id", "name", "email", "locale"}

    # The uploaded logo and the stored report PDF, byte for byte.
    contents = list(files.values())
    assert alpha_files.logo in contents
    assert alpha_files.pdf in contents

    everything = b"\n".join(files.values())
    assert b"bravo" not in everything.lower(), "another agency's data reached the archive"
    assert bravo_files.logo not in everything and bravo_files.pdf not in everything
    for secret in alpha_files.secrets + bravo_files.secrets:
        assert secret and secret.encode() not in everything, "a secret reached the archive"
    for column in ("password_hash", "token_hash", "totp_secret", "code_hash"):
        assert column.encode() not in everything


def test_progress_is_written_once_per_table_and_reaches_100(
    api, alpha, seeded, run_jobs, monkeypatch
):
    seen: list[int] = []
    original = service._set_progress

    def spy(export, value):
        seen.append(value)
        original(export, value)

    monkeypatch.setattr(service, "_set_progress", spy)
    export_id = _export(api, alpha.tokens["owner"], run_jobs)
    if seen:  # in-process modes: the spy ran here (a Redis worker runs its own copy)
        assert len(seen) == len(service.exported_models()) + 2
        assert seen == sorted(seen) and seen[-1] < 100
    body = api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}").get_json()
    assert body["progress"] == 100 and body["status"] == "ready"


def test_one_export_at_a_time_per_agency(api, alpha, bravo, db_app):
    with tenant_scope(alpha.agency.id):
        db.session.add(Export(requested_by_id=alpha.owner.user_id, status="running"))
        db.session.commit()
    resp = api(alpha.tokens["owner"]).post("/api/v1/exports")
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "export_running"
    # Another agency is not held up by Alpha's.
    assert api(bravo.tokens["owner"]).post("/api/v1/exports").status_code == 202


def test_not_ready_answers_409(api, alpha, db_app):
    with tenant_scope(alpha.agency.id):
        export = Export(requested_by_id=alpha.owner.user_id, status="running", progress=40)
        db.session.add(export)
        db.session.commit()
        export_id = export.id
    body = api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}").get_json()
    assert body["status"] == "running" and body["progress"] == 40
    resp = api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}/download")
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "not_ready"


def test_expired_download_answers_410_and_the_file_is_gone(api, alpha, seeded, run_jobs):
    export_id = _export(api, alpha.tokens["owner"], run_jobs)
    with tenant_scope(alpha.agency.id):
        export = db.session.scalar(select(Export).where(Export.id == export_id))
        path = service.file_of(export)
        assert path is not None and path.is_file()
        assert export.expires_at - export.finished_at == timedelta(days=7)
    db.session.remove()

    assert service.sweep(now=utcnow() + timedelta(days=6)) == 0  # not yet
    assert path.is_file()
    assert service.sweep(now=utcnow() + timedelta(days=8)) == 1
    assert not path.exists()

    body = api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}").get_json()
    assert body["status"] == "expired"
    resp = api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}/download")
    assert resp.status_code == 410
    assert resp.get_json()["error"]["code"] == "expired"
    # A new export may be asked for.
    assert api(alpha.tokens["owner"]).post("/api/v1/exports").status_code == 202


def test_a_ready_export_past_its_time_is_refused_before_the_sweep(api, alpha, seeded, run_jobs):
    export_id = _export(api, alpha.tokens["owner"], run_jobs)
    with tenant_scope(alpha.agency.id):
        export = db.session.scalar(select(Export).where(Export.id == export_id))
        export.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    resp = api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}/download")
    assert resp.status_code == 410


def test_only_an_owner_may_export(api, alpha, db_app):
    for role in ("consultant", "leader", "team"):
        token = alpha.tokens[role]
        assert api(token).post("/api/v1/exports").status_code == 403, role
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Export.id)) is None
        export = Export(requested_by_id=alpha.owner.user_id, status="queued")
        db.session.add(export)
        db.session.commit()
        export_id = export.id
    assert api(alpha.tokens["consultant"]).get(f"/api/v1/exports/{export_id}").status_code == 403
    resp = api(alpha.tokens["consultant"]).get(f"/api/v1/exports/{export_id}/download")
    assert resp.status_code == 403


def test_another_agency_cannot_read_or_download_the_export(api, alpha, bravo, seeded, run_jobs):
    export_id = _export(api, alpha.tokens["owner"], run_jobs)
    bravo_api = api(bravo.tokens["owner"])
    resp = bravo_api.get(f"/api/v1/exports/{export_id}")
    assert resp.status_code == 404
    assert b"Alpha" not in resp.data
    resp = bravo_api.get(f"/api/v1/exports/{export_id}/download")
    assert resp.status_code == 404
    assert resp.mimetype != "application/zip"
    assert api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}").status_code == 200


def test_unknown_and_huge_ids_are_404(api, alpha, db_app):
    for export_id in (999999, 2**63):
        assert api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}").status_code == 404
        resp = api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}/download")
        assert resp.status_code == 404


def test_the_agency_lists_its_own_exports_only(api, alpha, bravo, seeded, run_jobs):
    export_id = _export(api, alpha.tokens["owner"], run_jobs)
    _export(api, bravo.tokens["owner"], run_jobs)
    body = api(alpha.tokens["owner"]).get("/api/v1/exports").get_json()
    assert [e["id"] for e in body["data"]] == [export_id]
    assert body["data"][0]["status"] == "ready"
    assert body["data"][0]["download_url"].endswith(f"/api/v1/exports/{export_id}/download")
    assert body["meta"]["total"] == 1
    assert api(alpha.tokens["consultant"]).get("/api/v1/exports").status_code == 403


def test_the_sweeper_rebuilds_a_lost_job_and_fails_a_dead_one(api, alpha, seeded, run_jobs):
    """An export whose job was lost is queued again; one stuck for hours is failed, so the
    owner may ask again."""
    with tenant_scope(alpha.agency.id):
        lost = Export(
            requested_by_id=alpha.owner.user_id,
            status="queued",
            job_id="lost-job",
            created_at=utcnow() - timedelta(minutes=30),
        )
        dead = Export(
            requested_by_id=alpha.owner.user_id,
            status="running",
            progress=30,
            created_at=utcnow() - timedelta(hours=3),
        )
        db.session.add_all([lost, dead])
        db.session.commit()
        lost_id, dead_id = lost.id, dead.id
    db.session.remove()

    assert service.sweep(older_than_minutes=10) == 2
    run_jobs()
    owner = api(alpha.tokens["owner"])
    rebuilt = owner.get(f"/api/v1/exports/{lost_id}").get_json()
    assert (rebuilt["status"], rebuilt["progress"]) == ("ready", 100)
    failed = owner.get(f"/api/v1/exports/{dead_id}").get_json()
    assert failed["status"] == "failed"
    assert failed["error"] == "The export was interrupted; please request it again."
    assert owner.post("/api/v1/exports").status_code == 202
    assert service.sweep(older_than_minutes=10) == 0


def test_csv_defuses_formulas_and_json_keeps_the_text(api, alpha, seeded, run_jobs):
    from datetime import date

    from saas.models import Goal

    with tenant_scope(alpha.agency.id):
        db.session.add(
            Goal(
                brand_id=alpha.brand.id,
                title='=HYPERLINK("https://evil.example","x")',
                metric="followers",
                baseline=-5,
                target=2,
                due_date=date(2027, 6, 30),
                priority="high",
            )
        )
        db.session.commit()
    export_id = _export(api, alpha.tokens["owner"], run_jobs)
    files = unzip(api(alpha.tokens["owner"]).get(f"/api/v1/exports/{export_id}/download").data)
    rows = list(csv.DictReader(io.StringIO(files["csv/goals.csv"].decode())))
    evil = next(r for r in rows if "HYPERLINK" in r["title"])
    assert evil["title"].startswith("'=HYPERLINK")
    assert float(evil["baseline"]) == -5
    titles = [g["title"] for g in json.loads(files["json/goals.json"])]
    assert '=HYPERLINK("https://evil.example","x")' in titles


def test_a_read_only_agency_can_still_export_its_data(
    api, alpha, seeded, run_jobs, db_app, monkeypatch
):
    """A cancelled subscription blocks writes (402), never taking the agency's data away."""
    from tests.billing.entitlement_helpers import set_billing

    monkeypatch.setitem(db_app.config, "STRIPE_SECRET_KEY", "sk_test_exports")
    set_billing(alpha.agency, plan="growth", status="canceled", canceled_at=utcnow())
    owner = api(alpha.tokens["owner"])
    assert owner.post("/api/v1/brands", json={"name": "New"}).status_code == 402
    export_id = _export(api, alpha.tokens["owner"], run_jobs)
    assert owner.get(f"/api/v1/exports/{export_id}/download").status_code == 200
