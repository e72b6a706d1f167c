"""Done when: a browser follows the client leader's "report ready" email as a signed-out
user, through the sign-in link she asks for, to the report."""

from __future__ import annotations

import re

import pytest

from tests.auth.helpers import delivered_link
from tests.landing.helpers import MAGIC_LINK
from tests.landing.test_report_email import REPORT_LINK, request_for_leader
from tests.mailbox import last_to

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_signed_out_leader_follows_the_report_email_to_the_report(
    browser, live_server, shot, alpha, run_jobs, width
):
    report_id, email = request_for_leader(alpha, run_jobs)
    mail = last_to(email, "report")
    path = REPORT_LINK.search(mail.text).group(1)
    assert "/login/link/" not in mail.text  # the email itself signs nobody in

    ctx = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    page = ctx.new_page()
    page.goto(f"{live_server}{path}")
    assert page.locator("h1").inner_text() == "Sign in to Tandem"
    shot(page, f"report-email-01-sign-in-{width}")

    page.locator("#link-email").fill(email)
    page.get_by_role("button", name="Email me a link").click()
    page.get_by_text("Check your email").wait_for()
    shot(page, f"report-email-02-link-sent-{width}")

    run_jobs()
    link = delivered_link(email, MAGIC_LINK)
    assert f"next=/reports/{report_id}" in link or f"next=%2Freports%2F{report_id}" in link
    page.goto(f"{live_server}{link}")
    shot(page, f"report-email-03-confirm-{width}")
    page.get_by_role("button", name="Continue to Tandem").click()

    page.wait_for_url(re.compile(rf"/reports/{report_id}$"))
    page.get_by_role("link", name="Download the PDF").wait_for()
    assert "Alpha Brand One" in page.content()
    shot(page, f"report-email-04-report-{width}")
    ctx.close()
