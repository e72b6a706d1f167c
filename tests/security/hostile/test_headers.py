"""Security headers on every kind of answer: pages, JSON, downloads, images, error pages.

Issue 14 item 3.  HSTS only in production.
"""

from __future__ import annotations

import io
import re

import pytest

from tests import factories

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def _directives(csp: str) -> dict[str, str]:
    out = {}
    for part in csp.split(";"):
        words = part.strip().split(None, 1)
        if words:
            out[words[0].lower()] = words[1] if len(words) > 1 else ""
    return out


def assert_safe_headers(resp, what: str) -> None:
    h = resp.headers
    assert h.get("X-Content-Type-Options") == "nosniff", what
    assert h.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin"), what
    csp = _directives(h.get("Content-Security-Policy", ""))
    assert csp, f"{what}: no CSP"
    assert csp.get("object-src") == "'none'" or csp.get("default-src") == "'none'", what
    assert csp.get("frame-ancestors") == "'none'", f"{what}: {h.get('Content-Security-Policy')}"
    assert csp.get("base-uri") in ("'self'", "'none'"), (
        f"{what}: {h.get('Content-Security-Policy')}"
    )
    assert "'unsafe-inline'" not in h.get("Content-Security-Policy", ""), what
    assert h.get("X-Frame-Options") == "DENY", what


@pytest.fixture
def answers(client, alpha, login_as):
    """One response of each kind, as the owner of Alpha sees them."""
    from saas.services import brands as brands_service  # noqa: F401  (import check)

    plan = factories.planning_data(alpha.agency, alpha.brand, author=alpha.owner.user)
    plan_id = plan.id
    login_as(alpha.owner)
    assert (
        client.post(
            "/settings/logo", data={"logo": (io.BytesIO(PNG), "a.png")}, buffered=True
        ).status_code
        == 303
    )
    out = {
        "HTML page": client.get("/settings/"),
        "sign-in page": client.application.test_client().get("/login"),
        "HTML 404": client.get("/no-such-page"),
        "HTML 405": client.delete("/login"),
        "JSON API": client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {alpha.tokens['owner']}"}
        ),
        "JSON 401": client.get("/api/v1/me"),
        "JSON 404": client.get("/api/v1/nothing-here"),
        "health": client.get("/healthz"),
        "static file": client.get("/static/app.css"),
        "agency logo": client.get("/settings/logo"),
        "CSV download": client.get(f"/plans/{plan_id}/export/campaigns.csv"),
    }
    return out


def test_every_kind_of_answer_has_the_security_headers(answers):
    for what, resp in answers.items():
        assert resp.status_code < 500, what
        assert_safe_headers(resp, what)


def test_downloads_and_images_cannot_be_sniffed_or_framed(answers):
    logo = answers["agency logo"]
    assert logo.status_code == 200
    assert logo.mimetype == "image/png"
    assert "sandbox" in logo.headers["Content-Security-Policy"]
    assert logo.headers["Content-Disposition"].startswith("inline")
    csv = answers["CSV download"]
    assert csv.status_code == 200
    assert csv.mimetype == "text/csv"
    assert csv.headers["Content-Disposition"].startswith("attachment")


def test_hsts_only_in_production(client, db_app):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    env = db_app.config["TANDEM_ENV"]
    db_app.config["TANDEM_ENV"] = "production"
    try:
        hsts = client.get("/login").headers.get("Strict-Transport-Security", "")
    finally:
        db_app.config["TANDEM_ENV"] = env
    assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts)
    assert int(hsts.split("=")[1].split(";")[0]) >= 31536000
