"""The capability card on a client leader's phone (390 px), in English and Arabic: it fits
the width, and the hours bar is drawn.  Screenshots go to artifacts/capability-card-*.png."""

from __future__ import annotations

import pytest

from saas.extensions import db
from saas.models import User
from tests.capability.leadership.seed import seed_capability
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_leader_reads_the_card_on_a_phone(alpha, live_server, browser, shot, lang):
    seed_capability(alpha)
    user = db.session.get(User, alpha.leader.user_id)
    user.locale = lang
    db.session.commit()
    context = browser.new_context(viewport={"width": 390, "height": 900}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        form = page.locator("form[action$='/login']")
        form.locator("#email").fill(alpha.leader.user.email)
        form.locator("#password").fill(PASSWORD)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        page.goto(f"{live_server}/brands/{alpha.brand.id}")
        page.wait_for_load_state()
        card = page.locator("#capability")
        card.scroll_into_view_if_needed()
        assert card.locator("progress").count() == 1
        box = card.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 391
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        shot(page, f"capability-card-{lang}")
        card.screenshot(path=f"/tmp/pdf_cap/card-{lang}.png")
        assert fits, "the overview scrolls sideways at 390 px"
    finally:
        context.close()
