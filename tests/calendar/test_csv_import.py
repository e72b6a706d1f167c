"""Export a plan's campaigns and calendar to CSV and import them back, through the web."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from saas.extensions import db
from tenants.context import tenant_scope
from tests.calendar.conftest import content, counts, make_plan


def export(client, plan_id: int, kind: str) -> bytes:
    resp = client.get(f"/plans/{plan_id}/export/{kind}.csv")
    assert resp.status_code == 200, resp.status_code
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in resp.headers["Content-Disposition"]
    return resp.data


def upload(client, plan_id: int, kind: str, data: bytes, filename: str = "plan.csv"):
    return client.post(
        f"/plans/{plan_id}/import",
        data={"kind": kind, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def to_csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    return buf.getvalue().encode("utf-8")


def test_export_then_import_gives_an_identical_revision(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    before_campaigns, before_calendar, number = content(plan_world)
    for kind in ("campaigns", "calendar"):
        resp = upload(client, plan_world.plan_id, kind, export(client, plan_world.plan_id, kind))
        assert resp.status_code == 303, resp.get_data(as_text=True)
    campaigns, calendar, after_number = content(plan_world)
    assert after_number == number == 1  # a draft is edited in place
    assert campaigns == before_campaigns
    assert calendar == before_calendar


def test_import_into_a_submitted_plan_creates_a_new_revision(alpha, login_as):
    world = make_plan(alpha, status="submitted")
    client = login_as(alpha.consultant)
    original = content(world)
    data = export(client, world.plan_id, "campaigns")
    resp = upload(client, world.plan_id, "campaigns", data)
    assert resp.status_code == 303
    campaigns, calendar, number = content(world)
    assert number == 2
    assert (campaigns, calendar) == original[:2]
    assert content(world, 1)[:2] == original[:2]  # revision 1 is untouched


def test_arabic_text_and_formulas_survive_the_round_trip(plan_world, alpha, login_as):
    client = login_as(alpha.owner)
    data = export(client, plan_world.plan_id, "campaigns")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = rows_of(data)
    by_key = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_key["ramadan"]["name"] == "حملة رمضان"
    assert by_key["ramadan"]["audience"] == "الأمهات الجدد"
    assert by_key["ramadan"]["goals"] == "زيادة الوعي بالعلامة (12.5)"
    assert by_key["ramadan"]["kpi_target"] == "-5"  # a number, not a formula
    assert by_key["care"]["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert by_key["care"]["duration_rationale"].startswith("'+1 all quarter\n")
    assert by_key["spring"]["networks"] == "instagram; tiktok"
    assert by_key["spring"]["goals"] == "Grow online sales (40); Sales (KSA)"
    assert by_key["spring"]["budget"] == "1500.50"
    calendar = rows_of(export(client, plan_world.plan_id, "calendar"))
    assert [
        "2027-03-12",
        "snapchat",
        "story",
        "روحانيات",
        "تهنئة بقدوم الشهر الكريم",
        "planned",
        "حملة رمضان",  # the campaign by its name, which reads back to it alone
    ] in calendar
    assert '\'@support hours; "quoted", commas' in [r[4] for r in calendar]

    before = content(plan_world)
    assert upload(client, plan_world.plan_id, "campaigns", data).status_code == 303
    after = content(plan_world)
    assert after == before
    names = [c.name for c in after[0]]
    assert "حملة رمضان" in names and '=HYPERLINK("http://evil.example","click")' in names


def test_a_spreadsheet_edit_is_imported(plan_world, alpha, login_as):
    """Semicolons, names in other capitals, a new campaign without a key: all understood."""
    client = login_as(alpha.team)
    rows = rows_of(export(client, plan_world.plan_id, "campaigns"))
    header = rows[0]
    new = dict.fromkeys(header, "")
    new.update(
        name="Back to school",
        networks="Instagram, Snapchat",
        format="Carousel",
        objective="Traffic",
        kpi="Link clicks",
        kpi_target="3,5",
        audience="STUDENTS",
        start_date="2027-05-01",
        end_date="2027-05-20",
        goals=f"grow online sales (10); #{plan_world.goal_ids['Sales (KSA)']}",
    )
    rows.append([new[h] for h in header])
    resp = upload(client, plan_world.plan_id, "campaigns", to_csv(rows, ";"))
    assert resp.status_code == 303, resp.get_data(as_text=True)
    campaigns, _calendar, _n = content(plan_world)
    added = campaigns[-1]
    assert added.name == "Back to school"
    assert added.networks == ["instagram", "snapchat"]
    assert added.kpi_target == 3.5
    assert added.audience_id == plan_world.audience_ids["Students"]
    assert sorted(added.goal_links) == sorted(
        [
            (plan_world.goal_ids["Grow online sales"], 10.0),
            (plan_world.goal_ids["Sales (KSA)"], None),
        ]
    )
    assert added.key  # a new campaign gets a key


def test_every_bad_row_is_reported_with_its_number_and_nothing_changes(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    rows = rows_of(export(client, plan_world.plan_id, "campaigns"))
    header = rows[0]
    col = {h: i for i, h in enumerate(header)}
    rows[1][col["end_date"]] = "2027-02-01"  # before its start (checked by the plans service)
    rows[2][col["networks"]] = "myspace"
    rows[2][col["budget"]] = "lots"
    rows[3][col["goals"]] = "World peace"
    rows.insert(3, [""] * len(header))  # a blank line: still counted as a spreadsheet row
    rows[4][col["start_date"]] = "31/03/2027"
    before = counts(alpha.agency.id)
    resp = upload(client, plan_world.plan_id, "campaigns", to_csv(rows))
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "Row 2, end_date: The campaign cannot end before it starts." in page
    assert "Row 3, networks: “myspace” is not one of:" in page
    assert "Row 3, budget: must be an amount" in page
    assert "Row 5, start_date: must be a date" in page
    assert "Row 5, goals: Unknown goal “World peace”" in page
    assert counts(alpha.agency.id) == before


def test_calendar_rows_must_name_a_campaign_of_the_plan(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    rows = rows_of(export(client, plan_world.plan_id, "calendar"))
    rows[2][6] = "nope"
    rows[3][5] = "done"
    before = counts(alpha.agency.id)
    resp = upload(client, plan_world.plan_id, "calendar", to_csv(rows))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Row 3, campaign: no campaign of this plan is called “nope” or has it as its key" in page
    assert "Row 4, status: “done” is not one of: planned, drafted" in page
    assert counts(alpha.agency.id) == before


def test_another_tenants_goal_id_is_an_unknown_goal(plan_world, alpha, bravo, login_as):
    from tests.calendar.conftest import add_goals_and_audiences

    bravo_goals, _aud = add_goals_and_audiences(bravo)
    client = login_as(alpha.team)
    rows = rows_of(export(client, plan_world.plan_id, "campaigns"))
    rows[1][13] = f"#{bravo_goals['Grow online sales']}"
    before = counts(alpha.agency.id)
    resp = upload(client, plan_world.plan_id, "campaigns", to_csv(rows))
    assert resp.status_code == 422
    assert f"Row 2, goals: Unknown goal “#{bravo_goals['Grow online sales']}”" in resp.get_data(
        as_text=True
    )
    assert counts(alpha.agency.id) == before


def test_unusable_files_get_a_clear_message_and_change_nothing(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    before = counts(alpha.agency.id)
    cases = [
        (b"", "plan.csv", "The file is empty."),
        (b"PK\x03\x04\x14\x00", "plan.xlsx", "Choose a CSV file"),
        (b"PK\x03\x04\x14\x00", "plan.csv", "spreadsheet workbook"),
        (b"%PDF-1.7\x00\x01", "plan.csv", "does not look like a CSV file"),
        (b"date,brief\n2027-01-01,x\n", "plan.csv", "missing columns: network, format"),
        (b"date,network,format\n", "plan.csv", "no rows under it"),
        (
            b"date,network,format\n" + b"2027-03-01,x,post\n" * 10_001,
            "plan.csv",
            "more than 10000 rows",
        ),
    ]
    for data, name, message in cases:
        resp = upload(client, plan_world.plan_id, "calendar", data, name)
        assert resp.status_code == 422, name
        assert message in resp.get_data(as_text=True), message
    too_many = b"name,networks,format,objective,start_date,end_date\n" + (
        b"A,x,post,awareness,2027-03-01,2027-03-02\n" * 501
    )
    resp = upload(client, plan_world.plan_id, "campaigns", too_many)
    assert "more than 500 rows" in resp.get_data(as_text=True)
    resp = client.post(f"/plans/{plan_world.plan_id}/import", data={"kind": "campaigns"})
    assert resp.status_code == 422
    assert "Choose a CSV file to import." in resp.get_data(as_text=True)
    assert counts(alpha.agency.id) == before


def test_import_is_audited(plan_world, alpha, login_as):
    from saas.models import AuditEvent

    client = login_as(alpha.team)
    upload(client, plan_world.plan_id, "calendar", export(client, plan_world.plan_id, "calendar"))
    with tenant_scope(alpha.agency.id):
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "plan.csv_imported")
        )
    assert event is not None
    assert event.object_id == plan_world.plan_id
    assert event.actor_user_id == alpha.team.user_id
    assert event.details["kind"] == "calendar" and event.details["rows"] == 4


def test_removing_a_campaign_keeps_its_calendar_items_unlinked(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    rows = [r for r in rows_of(export(client, plan_world.plan_id, "campaigns")) if r[0] != "care"]
    resp = upload(client, plan_world.plan_id, "campaigns", to_csv(rows))
    assert resp.status_code == 303
    campaigns, calendar, _n = content(plan_world)
    assert [c.key for c in campaigns] == ["spring", "ramadan"]
    assert len(calendar) == 4
    assert [i.campaign_key for i in calendar if i.network == "x"] == [None]
    follow = client.get(resp.headers["Location"])
    assert "no longer in the plan" in follow.get_data(as_text=True)


def test_client_leader_may_not_import_and_sees_only_decided_plans(plan_world, alpha, login_as):
    client = login_as(alpha.leader)
    assert client.get(f"/plans/{plan_world.plan_id}/import").status_code == 403
    assert client.post(f"/plans/{plan_world.plan_id}/import").status_code == 403
    # A draft is not shown to a client leader at all.
    assert client.get(f"/plans/{plan_world.plan_id}/export/campaigns.csv").status_code == 404


def test_client_leader_can_download_an_approved_plan(alpha, login_as):
    world = make_plan(alpha, status="approved")
    client = login_as(alpha.leader)
    data = export(client, world.plan_id, "calendar")
    assert len(rows_of(data)) == 5


def test_a_plan_in_review_cannot_be_replaced(alpha, login_as):
    world = make_plan(alpha, status="in_review")
    client = login_as(alpha.consultant)
    page = client.get(f"/plans/{world.plan_id}/import").get_data(as_text=True)
    assert "cannot be replaced" in page
    before = counts(alpha.agency.id)
    data = export(client, world.plan_id, "campaigns")
    upload(client, world.plan_id, "campaigns", data)
    assert counts(alpha.agency.id) == before


def test_another_agency_gets_404_on_export_and_import(plan_world, alpha, bravo, login_as):
    before = counts(alpha.agency.id)
    client = login_as(bravo.owner)
    pid = plan_world.plan_id
    assert client.get(f"/plans/{pid}/export/campaigns.csv").status_code == 404
    assert client.get(f"/plans/{pid}/export/calendar.csv").status_code == 404
    assert client.get(f"/plans/{pid}/import").status_code == 404
    resp = upload(client, pid, "calendar", b"date,network,format\n2027-03-01,x,post\n")
    assert resp.status_code == 404
    assert counts(alpha.agency.id) == before


def test_client_team_of_another_brand_gets_404(alpha, login_as):
    world = make_plan(alpha, brand=alpha.other_brand)
    client = login_as(alpha.team)
    assert client.get(f"/plans/{world.plan_id}/export/campaigns.csv").status_code == 404
    assert client.get(f"/plans/{world.plan_id}/import").status_code == 404


def test_import_page_explains_the_format(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    resp = client.get(f"/plans/{plan_world.plan_id}/import?kind=calendar")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    assert "key,name,networks,format,objective" in page
    assert re.search(r'<input checked[^>]*value="calendar"', page)


def test_an_earlier_revision_can_be_exported(alpha, login_as):
    world = make_plan(alpha, status="submitted")
    client = login_as(alpha.team)
    rows = [r for r in rows_of(export(client, world.plan_id, "campaigns")) if r[0] != "care"]
    assert upload(client, world.plan_id, "campaigns", to_csv(rows)).status_code == 303
    first = client.get(f"/plans/{world.plan_id}/export/campaigns.csv?revision=1")
    assert first.status_code == 200
    assert (
        f'filename="plan-{world.plan_id}-r1-campaigns.csv"' in first.headers["Content-Disposition"]
    )
    assert len(rows_of(first.data)) == 4
    assert len(rows_of(export(client, world.plan_id, "campaigns"))) == 3
    assert client.get(f"/plans/{world.plan_id}/export/campaigns.csv?revision=9").status_code == 404
    assert client.get(f"/plans/{world.plan_id}/export/other.csv").status_code == 404
