"""Report pages: list and request, status, download, share links (open, revoke, expire)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models.reports import Report, ReportShare
from tenants.context import tenant_scope
from tenants.models import utcnow


def _request_via_web(client, login_as, world, **form):
    login_as(world.consultant)
    data = {
        "period_start": "2027-01-01",
        "period_end": "2027-03-31",
        "locale": "en",
        "sections": ["summary", "goals"],
        **form,
    }
    return client.post(f"/brands/{world.brand.id}/reports", data=data)


def _login(login_as, world, membership):
    """Log in after a commit expired the fixture objects (reloading them needs a scope)."""
    with tenant_scope(world.agency.id):
        login_as(membership)


def _only_report(world) -> Report:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return db.session.scalars(select(Report)).one()


def test_staff_request_from_the_brand_page_and_see_it_ready(client, login_as, alpha, run_jobs):
    resp = _request_via_web(client, login_as, alpha)
    assert resp.status_code == 302
    run_jobs(timeout=120)
    report = _only_report(alpha)
    page = client.get(f"/reports/{report.id}")
    assert page.status_code == 200
    assert "Ready" in page.text and "Download the PDF" in page.text
    listing = client.get(f"/brands/{alpha.brand.id}/reports")
    assert "Request a report" in listing.text and f"/reports/{report.id}" in listing.text


def test_empty_reports_page_explains_and_offers_the_form(client, login_as, alpha):
    login_as(alpha.consultant)
    page = client.get(f"/brands/{alpha.brand.id}/reports")
    assert page.status_code == 200
    assert "No reports yet" in page.text and "Request the report" in page.text


def test_invalid_period_shows_the_error_next_to_the_field(client, login_as, alpha):
    resp = _request_via_web(client, login_as, alpha, period_end="2026-01-01")
    assert resp.status_code == 422
    assert "The period must end on or after its first day." in resp.text


def test_download_is_a_pdf_attachment_for_the_brands_leader(client, login_as, alpha, run_jobs):
    _request_via_web(client, login_as, alpha)
    run_jobs(timeout=120)
    report = _only_report(alpha)
    client.post("/logout")
    _login(login_as, alpha, alpha.leader)
    resp = client.get(f"/reports/{report.id}/pdf")
    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "-alignment-2027-01-01_2027-03-31.pdf" in disposition


def test_download_is_404_for_another_agency_and_another_brands_leader(
    client, login_as, alpha, bravo, run_jobs
):
    _request_via_web(client, login_as, alpha)
    run_jobs(timeout=120)
    report = _only_report(alpha)
    client.post("/logout")
    _login(login_as, bravo, bravo.owner)
    assert client.get(f"/reports/{report.id}/pdf").status_code == 404
    assert client.get(f"/reports/{report.id}").status_code == 404
    client.post("/logout")
    # A leader of the same agency, but of the other brand only.
    from tests import factories

    with tenant_scope(alpha.agency.id):
        other_leader = factories.member(
            db.session.merge(alpha.agency),
            "client_leader",
            brands=[db.session.merge(alpha.other_brand)],
        )
        db.session.commit()
    _login(login_as, alpha, other_leader)
    assert client.get(f"/reports/{report.id}/pdf").status_code == 404


def test_client_leader_cannot_request_or_share(client, login_as, alpha):
    login_as(alpha.leader)
    resp = client.post(
        f"/brands/{alpha.brand.id}/reports",
        data={"period_start": "2027-01-01", "period_end": "2027-03-31", "locale": "en"},
    )
    assert resp.status_code == 403
    page = client.get(f"/brands/{alpha.brand.id}/reports")
    assert page.status_code == 200 and "Request a report" not in page.text


def test_share_link_opens_without_login_then_410_after_revoke(client, login_as, alpha, run_jobs):
    _request_via_web(client, login_as, alpha)
    run_jobs(timeout=120)
    report = _only_report(alpha)
    resp = client.post(f"/reports/{report.id}/shares", data={"label": "CEO", "expires_days": "7"})
    assert resp.status_code == 200
    link = re.search(r"http://[^<\s]+/r/([A-Za-z0-9_\-]+)", resp.text)
    assert link, resp.text
    token = link.group(1)
    client.post("/logout")

    opened = client.get(f"/r/{token}")
    assert opened.status_code == 200 and opened.data.startswith(b"%PDF")
    with tenant_scope(alpha.agency.id):
        share = db.session.scalars(select(ReportShare)).one()
        assert share.last_opened_at is not None
        share_id = share.id

    _login(login_as, alpha, alpha.consultant)
    confirm = client.get(f"/reports/{report.id}/shares/{share_id}/revoke")
    assert "Revoke this share link?" in confirm.text
    assert client.post(f"/reports/{report.id}/shares/{share_id}/revoke").status_code == 302
    client.post("/logout")
    gone = client.get(f"/r/{token}")
    assert gone.status_code == 410
    assert "expired or been revoked" in gone.text


def test_expired_share_link_is_410_and_unknown_is_404(client, login_as, alpha, run_jobs):
    _request_via_web(client, login_as, alpha)
    run_jobs(timeout=120)
    report = _only_report(alpha)
    resp = client.post(f"/reports/{report.id}/shares", data={"expires_days": "1"})
    token = re.search(r"/r/([A-Za-z0-9_\-]+)", resp.text).group(1)
    with tenant_scope(alpha.agency.id):
        share = db.session.scalars(select(ReportShare)).one()
        share.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    client.post("/logout")
    assert client.get(f"/r/{token}").status_code == 410
    assert client.get("/r/not-a-real-token").status_code == 404


def test_share_expiry_outside_1_to_90_days_is_refused(client, login_as, alpha, run_jobs):
    _request_via_web(client, login_as, alpha)
    run_jobs(timeout=120)
    report = _only_report(alpha)
    resp = client.post(f"/reports/{report.id}/shares", data={"expires_days": "365"})
    assert resp.status_code == 422
    with tenant_scope(alpha.agency.id):
        assert db.session.scalars(select(ReportShare)).all() == []


@pytest.mark.browser
def test_journey_consultant_requests_shares_and_leader_opens_without_account(
    browser, live_server, shot, alpha, run_jobs
):
    """Journey 3: request the report, watch it finish, share it; the link needs no login."""
    from tests.factories import PASSWORD

    with tenant_scope(alpha.agency.id):
        email = db.session.merge(alpha.consultant).user.email
        brand_id = alpha.brand.id
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(f"{live_server}/login")
    form = page.locator("form[action$='/login']")
    form.locator("#email").fill(email)
    form.locator("#password").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"{live_server}/brands/{brand_id}/reports")
    shot(page, "reports-01-empty")
    page.locator("#period_start").fill("2027-01-01")
    page.locator("#period_end").fill("2027-03-31")
    page.get_by_role("button", name="Request the report").click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    run_jobs(timeout=120)
    page.reload()
    page.get_by_text("Download the PDF").wait_for(timeout=30_000)
    shot(page, "reports-02-ready")

    page.locator("#label").fill("Board")
    page.get_by_role("button", name="Create a share link").click()
    link = page.locator("code", has_text="/r/").inner_text()
    shot(page, "reports-03-shared")
    anonymous = browser.new_context()
    resp = anonymous.request.get(link.replace("http://localhost", live_server))
    assert resp.status == 200
    assert resp.headers["content-type"] == "application/pdf"
    anonymous.close()
    ctx.close()


def test_clients_see_what_they_need_and_never_the_checksum_or_bytes(
    client, login_as, alpha, run_jobs
):
    """Title, period, pages, date and language for everyone; the SHA-256 and the file size
    only in the staff's technical details."""
    _request_via_web(client, login_as, alpha)
    run_jobs(timeout=120)
    report = _only_report(alpha)
    staff = client.get(f"/reports/{report.id}").text
    assert report.sha256 in staff and "Technical details" in staff
    client.post("/logout")
    _login(login_as, alpha, alpha.leader)
    for url in (f"/reports/{report.id}", f"/brands/{alpha.brand.id}/reports"):
        page = client.get(url).text
        assert report.sha256 not in page and "SHA-256" not in page, url
        assert " KB" not in page and "Size" not in page, url
        assert "Alignment report" in page and "Jan 1, 2027 to Mar 31, 2027" in page, url
        assert "English" in page, url
    page = client.get(f"/reports/{report.id}").text
    assert "<dt>Number of pages</dt><dd>" in page and "<dt>Date</dt>" in page


def test_reports_list_cells_carry_labels_for_phone_cards(client, login_as, alpha, run_jobs):
    _request_via_web(client, login_as, alpha)
    run_jobs(timeout=120)
    page = client.get(f"/brands/{alpha.brand.id}/reports").text
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    cells = re.findall(r"<td[^>]*>", body)
    assert cells and all("data-label=" in c for c in cells)
    for label in ("Language", "Pages", "Date", "Status"):
        assert f'data-label="{label}"' in body
    assert '<th scope="row">' in body  # the report's title heads its card
