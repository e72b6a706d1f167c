"""The reports API: 202 on request, status polling, PDF download, errors."""

from __future__ import annotations

import pytest

BODY = {"locale": "en", "period_start": "2027-01-01", "period_end": "2027-03-31", "sections": []}


def test_request_poll_and_download(api, alpha, run_jobs):
    client = api(alpha.tokens["consultant"])
    resp = client.post(f"/api/v1/brands/{alpha.brand.id}/reports", json=BODY)
    assert resp.status_code == 202
    report_id = resp.get_json()["id"]
    again = client.post(f"/api/v1/brands/{alpha.brand.id}/reports", json=BODY)
    assert again.status_code == 202
    run_jobs(timeout=120)
    status = client.get(f"/api/v1/reports/{report_id}").get_json()
    assert status["status"] == "ready", status
    assert status["progress"] == 100 and status["pages"] >= 1 and status["error"] is None
    assert status["download_url"].endswith(f"/api/v1/reports/{report_id}/pdf")
    pdf = client.get(f"/api/v1/reports/{report_id}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    # The leader of the brand may read and download it too.
    leader = api(alpha.tokens["leader"])
    assert leader.get(f"/api/v1/reports/{report_id}").status_code == 200
    assert leader.get(f"/api/v1/reports/{report_id}/pdf").status_code == 200


def test_identical_pending_request_answers_the_same_id(api, alpha, monkeypatch):
    from saas.services import reports

    monkeypatch.setattr(reports, "_enqueue", lambda report: None)
    client = api(alpha.tokens["owner"])
    first = client.post(f"/api/v1/brands/{alpha.brand.id}/reports", json=BODY)
    second = client.post(f"/api/v1/brands/{alpha.brand.id}/reports", json=BODY)
    assert first.status_code == second.status_code == 202
    assert (
        first.get_json() == second.get_json() == {"id": first.get_json()["id"], "status": "queued"}
    )
    # Not ready: the PDF is a 409, and a client user does not see it at all.
    rid = first.get_json()["id"]
    assert client.get(f"/api/v1/reports/{rid}/pdf").status_code == 409
    assert api(alpha.tokens["leader"]).get(f"/api/v1/reports/{rid}").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"locale": "fr"}, "locale"),
        ({"sections": ["summary", "tarot"]}, "sections"),
        ({"period_end": "2026-01-01"}, "period_end"),
        ({"period_start": "not a date"}, "period_start"),
    ],
)
def test_invalid_body_is_422_with_the_field(api, alpha, change, field):
    resp = api(alpha.tokens["owner"]).post(
        f"/api/v1/brands/{alpha.brand.id}/reports", json={**BODY, **change}
    )
    assert resp.status_code == 422
    assert field in resp.get_json()["error"]["fields"]


def test_foreign_brand_is_404_and_client_role_is_403(api, alpha, bravo):
    assert (
        api(bravo.tokens["owner"])
        .post(f"/api/v1/brands/{alpha.brand.id}/reports", json=BODY)
        .status_code
        == 404
    )
    assert (
        api(alpha.tokens["leader"])
        .post(f"/api/v1/brands/{alpha.brand.id}/reports", json=BODY)
        .status_code
        == 403
    )


def test_foreign_report_and_pdf_are_404(api, alpha, bravo, run_jobs):
    rid = (
        api(alpha.tokens["owner"])
        .post(f"/api/v1/brands/{alpha.brand.id}/reports", json=BODY)
        .get_json()["id"]
    )
    run_jobs(timeout=120)
    other = api(bravo.tokens["owner"])
    assert other.get(f"/api/v1/reports/{rid}").status_code == 404
    assert other.get(f"/api/v1/reports/{rid}/pdf").status_code == 404
    assert api(None).get(f"/api/v1/reports/{rid}/pdf").status_code == 401


def test_openapi_documents_the_pdf_download_as_application_pdf(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    ok = doc["paths"]["/reports/{report_id}/pdf"]["get"]["responses"]["200"]
    assert list(ok["content"]) == ["application/pdf"]
