"""CSV import in English or Arabic: headers in either language, campaigns by name, and the
downloadable templates, which import back as they are."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.services import plan_csv
from saas.services.plan_csv import CampaignIndex, ImportRejected
from tenants.context import tenant_scope
from tests.calendar.conftest import content, counts
from tests.calendar.test_csv_import import export, rows_of, to_csv, upload

AR_CALENDAR = ["التاريخ", "المنصة", "الصيغة", "محور المحتوى", "الموجز", "الحالة", "الحملة"]


def rejected(fn, *args) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        fn(*args)
    return [str(e) for e in info.value.errors]


# --- pure: headers and campaign references ------------------------------------------------


def test_arabic_headers_name_the_same_columns():
    text = ",".join(AR_CALENDAR) + "\n2027-03-03,instagram,post,منتج,وصف,planned,\n"
    table = plan_csv.read_table(text, "calendar")
    assert table.headers == list(plan_csv.CALENDAR_HEADERS)
    assert table.labels["campaign"] == "الحملة"
    for kind in plan_csv.KINDS:
        assert plan_csv.headers_in(kind, "ar") == plan_csv.ARABIC_HEADERS[kind]
        names = plan_csv.HEADER_NAMES[kind]
        arabic = plan_csv.ARABIC_HEADERS[kind]
        assert [names[plan_csv.header_key(h)] for h in arabic] == list(plan_csv.HEADERS[kind])


def test_arabic_spellings_vowel_marks_and_mixed_rows_are_understood():
    # Alef with hamza written plain, a tatweel, vowel marks, extra spaces; English mixed in.
    header = "تاريخ  البدء,تاريخ الانتهاء,اسم الحملـة,المنصّات,الصيغة,الغاية,اهداف الشركة"
    table = plan_csv.read_table(header + "\n2027-03-01,2027-03-09,A,x,post,traffic,\n", "campaigns")
    assert table.headers == [
        "start_date",
        "end_date",
        "name",
        "networks",
        "format",
        "objective",
        "goals",
    ]
    mixed = "date,المنصة,format\n2027-03-01,x,post\n"
    assert plan_csv.read_table(mixed, "calendar").headers == ["date", "network", "format"]


def test_unknown_arabic_columns_are_listed_with_the_arabic_names():
    errors = " ".join(rejected(plan_csv.read_table, "التاريخ,اللون\n2027-01-01,أحمر\n", "calendar"))
    assert "unknown columns: اللون" in errors
    assert "المنصة" in errors and "network" not in errors  # listed in the file's language
    assert "missing columns: المنصة, الصيغة" in errors


def test_a_campaign_is_found_by_key_or_by_name_once():
    index = CampaignIndex([("spring", "Spring launch"), ("k2", "Twin"), ("k3", "twin ")])
    assert index.find("spring") == "spring"
    assert index.find("  SPRING   launch ") == "spring"
    with pytest.raises(plan_csv.CellError, match="more than one campaign"):
        index.find("Twin")
    with pytest.raises(plan_csv.CellError, match="no campaign of this plan is called “Nope”"):
        index.find("Nope")
    assert index.label("spring") == "Spring launch"
    assert index.label("k2") == "k2"  # an ambiguous name is written as the key
    # A name that is another campaign's key would read back as that campaign.
    tricky = CampaignIndex([("a", "b"), ("b", "Bee")])
    assert tricky.label("a") == "a" and tricky.label("b") == "Bee"


# --- through the web -------------------------------------------------------------------------


def test_calendar_import_with_arabic_headers_and_campaign_names(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    rows = [
        AR_CALENDAR,
        ["2027-03-05", "instagram", "post", "منتج", "صورة المنتج", "planned", "spring LAUNCH"],
        ["2027-03-06", "snapchat", "story", "روحانيات", "", "", "حملة رمضان"],
        ["2027-03-07", "x", "post", "", "", "", "care"],  # a key still works
        ["2027-03-08", "x", "post", "", "", "", ""],
    ]
    resp = upload(client, plan_world.plan_id, "calendar", to_csv(rows))
    assert resp.status_code == 303, resp.get_data(as_text=True)
    _campaigns, calendar, _n = content(plan_world)
    assert [(str(i.date), i.campaign_key) for i in calendar] == [
        ("2027-03-05", "spring"),
        ("2027-03-06", "ramadan"),
        ("2027-03-07", "care"),
        ("2027-03-08", None),
    ]
    assert calendar[1].status == "planned"


def test_unknown_and_ambiguous_campaign_names_are_row_errors(plan_world, alpha, login_as):
    from saas.models import Plan
    from saas.services import plans

    with tenant_scope(alpha.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.id == plan_world.plan_id))
        campaigns, calendar = plans.revision_data(
            plans.load_revision(plans.current_revision(plan).id)
        )
        twin = replace(campaigns[0], key="spring2", goal_links=[])
        plans.save_revision(
            plan, campaigns=[*campaigns, twin], calendar=calendar, author=alpha.team.user
        )
    client = login_as(alpha.team)
    rows = [
        AR_CALENDAR,
        ["2027-03-05", "instagram", "post", "", "", "", "Spring launch"],
        ["2027-03-06", "instagram", "post", "", "", "", "Summer launch"],
        ["2027-03-07", "instagram", "post", "", "", "", "spring2"],
    ]
    before = counts(alpha.agency.id)
    resp = upload(client, plan_world.plan_id, "calendar", to_csv(rows))
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert (
        "Row 2, الحملة: “Spring launch” is the name of more than one campaign of this plan; "
        "write its key instead" in page
    )
    assert "Row 3, الحملة: no campaign of this plan is called “Summer launch”" in page
    assert "Row 4" not in page
    assert counts(alpha.agency.id) == before
    # The export writes the key where the name is not unique, so it still imports back.
    exported = export(client, plan_world.plan_id, "calendar")
    campaign_cells = [row[6] for row in rows_of(exported)[1:]]
    assert "spring" in campaign_cells and "Spring launch" not in campaign_cells
    assert upload(client, plan_world.plan_id, "calendar", exported).status_code == 303


def test_campaign_import_with_arabic_headers(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    data = export(client, plan_world.plan_id, "campaigns")
    rows = rows_of(data)
    rows[0] = list(plan_csv.ARABIC_HEADERS["campaigns"])
    before = content(plan_world)
    resp = upload(client, plan_world.plan_id, "campaigns", to_csv(rows))
    assert resp.status_code == 303, resp.get_data(as_text=True)
    assert content(plan_world) == before


def test_the_import_page_offers_both_templates(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    page = client.get(f"/plans/{plan_world.plan_id}/import").get_data(as_text=True)
    for kind in plan_csv.KINDS:
        for lang in ("en", "ar"):
            assert f"/plans/{plan_world.plan_id}/import/template/{kind}.{lang}.csv" in page
    assert "Download the template (English)" in page
    assert "Download the template (العربية)" in page
    assert "الحملة" in page  # the Arabic header row is shown too


@pytest.mark.parametrize("kind", plan_csv.KINDS)
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_templates_download_and_import_cleanly(plan_world, alpha, login_as, kind, lang):
    client = login_as(alpha.team)
    resp = client.get(f"/plans/{plan_world.plan_id}/import/template/{kind}.{lang}.csv")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="tandem-{kind}-template-{lang}.csv"' in resp.headers["Content-Disposition"]
    assert resp.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel shows the Arabic
    rows = rows_of(resp.data)
    assert rows[0] == list(plan_csv.headers_in(kind, lang))
    assert len(rows) == 2  # the header and one example
    if kind == "calendar":
        assert rows[1][6] == "Spring launch"  # the plan's first campaign, by name
    if lang == "ar":
        assert any("\u0600" <= ch <= "\u06ff" for ch in rows[1][3] + rows[1][1])
    upload_resp = upload(client, plan_world.plan_id, kind, resp.data, f"template-{lang}.csv")
    assert upload_resp.status_code == 303, upload_resp.get_data(as_text=True)
    campaigns, calendar, _n = content(plan_world)
    if kind == "calendar":
        assert len(calendar) == 1 and calendar[0].campaign_key == "spring"
    else:
        assert len(campaigns) == 1 and campaigns[0].goal_links


def test_templates_of_a_plan_without_campaigns_goals_or_audiences(alpha, login_as):
    from datetime import date

    from saas.models import Brand
    from saas.services import plans

    with tenant_scope(alpha.agency.id):
        brand = db.session.scalar(select(Brand).where(Brand.id == alpha.brand.id))
        plan = plans.create_plan(
            brand,
            title="Empty",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 1, 20),
            campaigns=[],
            calendar=[],
            author=alpha.team.user,
        )
        db.session.commit()
        plan_id = plan.id
    client = login_as(alpha.team)
    for kind in plan_csv.KINDS:
        data = client.get(f"/plans/{plan_id}/import/template/{kind}.ar.csv").data
        assert upload(client, plan_id, kind, data).status_code == 303, kind


def test_templates_are_404_for_another_agency_and_403_for_leaders(
    plan_world, alpha, bravo, login_as
):
    url = f"/plans/{plan_world.plan_id}/import/template/calendar.ar.csv"
    assert login_as(bravo.owner).get(url).status_code == 404
    assert login_as(alpha.leader).get(url).status_code == 403
    assert (
        login_as(alpha.team)
        .get(f"/plans/{plan_world.plan_id}/import/template/calendar.fr.csv")
        .status_code
        == 404
    )
