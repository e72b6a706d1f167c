"""On a phone every table row becomes a card, and each value is labelled by its column:
every cell carries ``data-label`` with its column's header (empty for logo and actions)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from saas.services import invitations as invitation_service
from tenants.context import tenant_scope
from tests.factories import PASSWORD

PAGES = ["/brands/", "/members/", "/settings/tokens", "/settings/audit", "/settings/outbox"]


class _Tables(HTMLParser):
    """Collects, per ``table.table``, the header texts and each cell's data-label."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list]] = []
        self._in_th = False
        self._sr_only_depth = 0
        self._th_text: list[str] = []
        self._col = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "table" and "table" in (a.get("class") or "").split():
            self.tables.append({"headers": [], "cells": []})
        elif not self.tables:
            return
        elif tag == "th":
            self._in_th, self._th_text = True, []
        elif tag == "span" and self._in_th and "sr-only" in (a.get("class") or ""):
            self._sr_only_depth += 1
        elif tag == "tr":
            self._col = 0
        elif tag == "td":
            self.tables[-1]["cells"].append((self._col, a.get("data-label")))
            self._col += 1

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "th" and self._in_th:
            text = "" if self._sr_only_depth else " ".join("".join(self._th_text).split())
            self.tables[-1]["headers"].append(text)
            self._in_th, self._sr_only_depth = False, 0

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in_th and not self._sr_only_depth:
            self._th_text.append(data)


def _fill_every_table(world) -> None:
    """A pending invitation (and so an outbox message) besides the factory's data."""
    with tenant_scope(world.agency.id):
        invitation_service.invite(
            world.owner, "pending@example.com", "client_team", [world.brand.id]
        )


@pytest.mark.parametrize("path", PAGES)
def test_every_cell_is_labelled_with_its_column(alpha, login_as, path):
    _fill_every_table(alpha)
    client = login_as(alpha.owner)

    resp = client.get(path)

    assert resp.status_code == 200
    parser = _Tables()
    parser.feed(resp.get_data(as_text=True))
    assert parser.tables, f"no table on {path}"
    for table in parser.tables:
        assert table["cells"], f"an empty table on {path}"
        for col, label in table["cells"]:
            assert label is not None, f"a cell without data-label on {path}"
            assert label == table["headers"][col], (path, col, label, table["headers"])


@pytest.mark.browser
def test_members_on_a_phone_show_each_value_with_its_label(live_server, browser, shot, alpha):
    _fill_every_table(alpha)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", alpha.owner.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/members/")

    before = page.evaluate(
        """() => [...document.querySelectorAll('table.table tbody td')].map(td => [
            td.dataset.label, getComputedStyle(td, '::before').content])"""
    )
    header_hidden = page.evaluate(
        "() => getComputedStyle(document.querySelector('table.table thead')).position"
    )
    row_width = page.evaluate(
        "() => document.querySelector('table.table tbody tr').getBoundingClientRect().width"
    )
    shot(page, "polish-members-phone")
    context.close()

    assert before, "no cells"
    for label, content in before:
        if label:
            assert content == f'"{label}"', (label, content)  # the label is drawn before
        else:
            assert content == "none"  # actions cells show only their buttons
    assert {"Name", "Email", "Role", "Brands", "Joined", "Expires"} <= {
        label for label, _ in before
    }
    assert header_hidden == "absolute"  # the header row is visually hidden
    assert row_width <= 390  # rows are cards that fit the screen, no sideways scrolling
