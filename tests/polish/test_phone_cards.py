"""Every table on the goals, audiences, dashboard and methodology screens becomes labelled
cards on a phone: each value cell carries ``data-label`` naming its column (empty only for
actions), so a phone never shows a bare number without saying what it is."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import Goal
from tenants.context import tenant_scope
from tests import factories


class _Cells(HTMLParser):
    """(column headers, [(data-label, row-header?)]) per ``table.table``."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[list[str], list[str | None]]] = []
        self._head = False
        self._th: list[str] | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "table" and "table" in (a.get("class") or "").split():
            self.tables.append(([], []))
        elif not self.tables:
            return
        elif tag == "thead":
            self._head = True
        elif tag == "th" and self._head:
            self._th = []
        elif tag == "td" or (tag == "th" and a.get("scope") == "row"):
            self.tables[-1][1].append(a.get("data-label"))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "thead":
            self._head = False
        elif tag == "th" and self._th is not None:
            self.tables[-1][0].append(" ".join("".join(self._th).split()))
            self._th = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._th is not None:
            self._th.append(data)


@pytest.fixture
def paths(alpha) -> list[str]:
    factories.planning_data(alpha.agency, alpha.brand, goals=2, campaigns=2, calendar=0)
    db.session.commit()
    with tenant_scope(alpha.agency.id):
        goal_id = db.session.scalar(select(Goal.id).where(Goal.brand_id == alpha.brand.id))
    b = alpha.brand.id
    return [
        f"/brands/{b}/goals",
        f"/brands/{b}/audiences",
        f"/goals/{goal_id}",
        "/settings/methodology",
        f"/brands/{b}/methodology",
        "/brands/",
        "/members/",
        "/settings/audit",
    ]


def test_every_value_is_labelled(alpha, login_as, client, paths):
    login_as(alpha.owner)
    seen = 0
    for path in paths:
        resp = client.get(path)
        assert resp.status_code == 200, path
        parser = _Cells()
        parser.feed(resp.get_data(as_text=True))
        for headers, labels in parser.tables:
            for label in labels:
                seen += 1
                assert label is not None, f"a cell without data-label on {path}"
                assert label == "" or label in headers, (path, label, headers)
    assert seen > 20
