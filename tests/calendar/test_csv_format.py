"""The CSV layer on its own: cells, files and tables, with no database."""

from __future__ import annotations

import csv
import io

import pytest

from saas.services import plan_csv
from saas.services.plan_csv import ImportRejected, NameIndex


def rejected(fn, *args) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        fn(*args)
    return [str(e) for e in info.value.errors]


@pytest.mark.parametrize(
    "value",
    ["=1+2", "+33 600", "-cmd", "@SUM(A1)", "\tx", "\rx", "'=x", "'", "''a", "'plain"],
)
def test_formula_cells_are_neutralised_and_read_back_unchanged(value):
    escaped = plan_csv.escape_cell(value)
    assert escaped.startswith("'")
    assert plan_csv.unescape_cell(escaped) == value


@pytest.mark.parametrize("value", ["-5", "-12.5", "1500.50", "plain", "Grow sales (40)", ""])
def test_numbers_and_plain_text_are_exported_as_they_are(value):
    assert plan_csv.escape_cell(value) == value
    assert plan_csv.unescape_cell(value) == value


def test_export_writes_utf8_with_bom_and_escapes_formulas():
    from datetime import date

    from saas.services.plans import CalendarItemData

    data = plan_csv.calendar_csv(
        [CalendarItemData(date(2027, 1, 2), "x", "post", "=cmd|' /C calc'!A0", "مرحبا", "planned")]
    )
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(plan_csv.CALENDAR_HEADERS)
    assert rows[1][3] == "'=cmd|' /C calc'!A0"
    assert rows[1][4] == "مرحبا"


def test_decode_refuses_what_is_not_a_utf8_csv_with_a_reason():
    assert "empty" in rejected(plan_csv.decode, b"", "plan.csv")[0]
    assert "empty" in rejected(plan_csv.decode, b"\xef\xbb\xbf \r\n", "plan.csv")[0]
    assert "workbook" in rejected(plan_csv.decode, b"PK\x03\x04rest", "plan.csv")[0]
    assert ".csv" in rejected(plan_csv.decode, b"name\n", "plan.pdf")[0]
    assert "UTF-8" in rejected(plan_csv.decode, "اسم".encode("cp1256"), "plan.csv")[0]
    big = b"a" * (plan_csv.MAX_BYTES + 1)
    assert "larger than 2 MB" in rejected(plan_csv.decode, big, "plan.csv")[0]


def test_decode_accepts_bom_and_utf16():
    assert plan_csv.decode("\ufeffname\n".encode(), "a.csv") == "name\n"
    assert plan_csv.decode("name,حملة\n".encode("utf-16"), "a.CSV") == "name,حملة\n"


def test_semicolon_files_and_header_spellings_are_understood():
    text = "Date ; Network;FORMAT;campaign key\n2027-01-02;Instagram;Reel;\n\n2027-01-03;x;post;\n"
    table = plan_csv.read_table(text, "calendar")
    assert table.delimiter == ";"
    assert table.headers == ["date", "network", "format", "campaign"]  # campaign_key: an alias
    assert table.labels["campaign"] == "campaign key"  # errors name it as the file does
    # The blank line is skipped but still counted: spreadsheet row numbers stay true.
    assert [n for n, _cells in table.rows] == [2, 4]
    assert table.rows[0][1]["network"] == "Instagram"


def test_missing_unknown_and_repeated_columns_are_named():
    errors = rejected(plan_csv.read_table, "name,netwroks,name\nA,x,B\n", "campaigns")
    text = " ".join(errors)
    assert "unknown columns: netwroks" in text
    assert "repeated columns: name" in text
    assert "missing columns: networks, format, objective, start_date, end_date" in text
    assert all(e.startswith("Row 1") for e in errors)


def test_header_only_and_too_many_rows_are_refused():
    assert "no rows" in rejected(plan_csv.read_table, "date,network,format\n", "calendar")[0]
    rows = "".join("2027-01-01,x,post\n" for _ in range(plan_csv.MAX_ROWS["calendar"] + 1))
    message = rejected(plan_csv.read_table, "date,network,format\n" + rows, "calendar")[0]
    assert "more than 10000 rows" in message


def test_broken_quotes_are_reported_not_raised():
    errors = rejected(plan_csv.read_table, 'date,network,format\n"2027-01-01,x,post\n', "calendar")
    assert "could not be read as CSV" in errors[0]


def test_numbers_dates_and_vocabulary_are_read_leniently():
    assert plan_csv.parse_float("1,500.25") == 1500.25
    assert plan_csv.parse_float("2,5", ";") == 2.5
    assert plan_csv.parse_float("١٢٣") == 123
    assert str(plan_csv.parse_decimal("1 500,50", ";")) == "1500.50"
    assert plan_csv.parse_date("2027/3/5").isoformat() == "2027-03-05"
    assert plan_csv.parse_date("٢٠٢٧-٠٣-٠٥").isoformat() == "2027-03-05"
    assert plan_csv.parse_choice("Short video", plan_csv.FORMATS) == "short_video"
    assert plan_csv.parse_networks("Instagram; TikTok, twitter;instagram") == [
        "instagram",
        "tiktok",
        "x",
    ]
    for bad in ("nan", "inf", "12abc", ""):
        with pytest.raises(plan_csv._CellError):
            plan_csv.parse_float(bad)
    with pytest.raises(plan_csv._CellError):
        plan_csv.parse_date("31/03/2027")


def test_goal_names_read_back_and_ambiguous_names_are_written_as_ids():
    goals = NameIndex({1: "Grow sales", 2: "Twin", 3: "twin ", 4: "2027", 5: "Sales (KSA)"})
    assert goals.label(1) == "Grow sales"
    assert goals.label(2) == "#2"  # two goals read "twin"
    assert goals.label(4) == "#4"  # a number would read as an id
    links = [(1, 40.0), (2, None), (4, 2.5), (5, None)]
    text = plan_csv.format_goal_links(links, goals)
    assert text == "Grow sales (40); #2; #4 (2.5); Sales (KSA)"
    assert plan_csv.parse_goal_links(text, goals) == links
    assert plan_csv.parse_goal_links("GROW SALES؛ sales (ksa) (3)", goals) == [(1, None), (5, 3.0)]
    with pytest.raises(plan_csv._CellError, match="Unknown goal “Nope”"):
        plan_csv.parse_goal_links("Nope", goals)
    with pytest.raises(plan_csv._CellError, match="more than one"):
        plan_csv.parse_goal_links("twin", goals)
