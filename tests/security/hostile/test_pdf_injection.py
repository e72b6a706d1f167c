"""HTML injection into PDF reports: people's text that names local files, network URLs or
CSS ``url()`` reaches the PDF as text; nothing is read or requested.

Issue 14 item 3.  The fetcher itself is tested with hostile documents in
tests/reports/test_pdf_security.py; this drives the real pipeline (request → worker →
PDF) with hostile names in every text the report shows.
"""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from saas.extensions import db
from saas.models import Brand, Campaign, Goal, Plan
from saas.models.reports import Report
from saas.services import reports as service
from saas.services.report_content import build_html, section_names
from tenants.context import tenant_scope
from tests.factories import planning_data


@pytest.fixture
def trap():
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"body{background:red}")

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def _payloads(base: str) -> dict[str, str]:
    return {
        "img": "<img src=file:///etc/passwd>",
        "link": f'<link rel=stylesheet href="{base}/link.css">',
        "css": f"<p style=\"background:url('{base}/css.png')\">x</p>",
        "import": f"<style>@import url({base}/import.css);</style>",
        "attach": "<link rel=attachment href=file:///etc/passwd>",
    }


def test_hostile_names_reach_the_pdf_as_text_and_fetch_nothing(alpha, run_jobs, trap):
    base, hits = trap
    p = _payloads(base)
    plan = planning_data(alpha.agency, alpha.brand)
    with tenant_scope(alpha.agency.id):
        db.session.execute(
            update(Brand).where(Brand.id == alpha.brand.id).values(name="B " + p["img"][:100])
        )
        db.session.execute(update(Plan).where(Plan.id == plan.id).values(title="P " + p["link"]))
        db.session.execute(update(Goal).values(title="G " + p["css"]))
        db.session.execute(update(Campaign).values(name="C " + p["import"][:190]))
        db.session.execute(update(Campaign).values(duration_rationale=p["attach"]))
        db.session.commit()
        brand = db.session.scalar(select(Brand).where(Brand.id == alpha.brand.id))
        m = db.session.merge(alpha.consultant)
        from datetime import date

        report, _ = service.request_report(
            brand,
            m,
            locale="en",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31),
            sections=list(section_names()),
        )
        report_id = report.id
        html = build_html(report)
    for raw in ("<img src=file", "<link rel=stylesheet", "<style>@import", "<link rel=attachment"):
        assert raw not in html, raw
    assert "&lt;img src=file:///etc/passwd&gt;" in html

    run_jobs(timeout=120)
    db.session.expire_all()
    with tenant_scope(alpha.agency.id):
        row = db.session.scalar(select(Report).where(Report.id == report_id))
        assert row.status == "ready", row.error
        data = service.file_for(row).read_bytes()
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "root:x:0:0" not in text and b"root:x:0:0" not in data
    assert "<img src=file:///etc/passwd>" in text.replace("\n", "")  # shown, as text
    assert hits == []  # the trap on 127.0.0.1 was never asked for anything
    assert b"/EmbeddedFile" not in data and b"/JavaScript" not in data
