"""Can an integration find a brand's reports through the API?

``GET /api/v1/brands/{id}/reports``: newest first, paginated, each report as
``GET /reports/{id}`` shows it; client users see their brands' ready reports only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from saas.extensions import db
from saas.models import Report
from saas.web.common import MAX_ID
from tenants.context import tenant_scope
from tests import factories
from tests.perf.test_query_counts import count_queries

START = datetime(2027, 4, 1, 9, 30)


def _reports(world, brand, statuses, *, locale="en") -> list[int]:
    """Reports of ``brand``, the first oldest, an hour apart; their ids in that order."""
    ids = []
    with tenant_scope(world.agency.id):
        for i, status in enumerate(statuses):
            ready = status == "ready"
            report = Report(
                brand_id=brand.id,
                requested_by_id=world.owner.user_id,
                locale=locale,
                period_start=date(2027, 1, 1) + timedelta(days=i),
                period_end=date(2027, 3, 31),
                sections=["summary", "goals"],
                status=status,
                progress=100 if ready else 0,
                pages=3 + i if ready else None,
                size_bytes=1000 + i if ready else None,
                sha256=f"{i:064x}" if ready else None,
                error="Temporary problem" if status == "failed" else None,
                created_at=START + timedelta(hours=i),
                finished_at=START + timedelta(hours=i, minutes=2) if ready else None,
            )
            db.session.add(report)
            db.session.flush()
            ids.append(report.id)
        db.session.commit()
    return ids


def _url(brand_id, query: str = "") -> str:
    return f"/api/v1/brands/{brand_id}/reports{query}"


def test_staff_see_every_report_newest_first_with_status_locale_period_and_pages(api, alpha):
    ids = _reports(alpha, alpha.brand, ["ready", "failed", "queued", "ready"])
    resp = api(alpha.tokens["consultant"]).get(_url(alpha.brand.id))

    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert [r["id"] for r in body["data"]] == list(reversed(ids))
    assert body["meta"] == {"page": 1, "per_page": 20, "total": 4, "next_page": None}
    newest = body["data"][0]
    assert newest["status"] == "ready" and newest["locale"] == "en"
    assert newest["period_start"] == "2027-01-04" and newest["period_end"] == "2027-03-31"
    assert newest["pages"] == 6 and newest["progress"] == 100
    assert newest["download_url"].endswith(f"/api/v1/reports/{ids[-1]}/pdf")
    assert newest["created_at"] == "2027-04-01T12:30:00Z"
    assert newest["finished_at"] == "2027-04-01T12:32:00Z"
    queued = body["data"][1]
    assert queued["status"] == "queued" and queued["pages"] is None
    assert queued["download_url"] is None and queued["finished_at"] is None
    assert body["data"][2]["error"] == "Temporary problem"


def test_each_listed_report_is_what_its_own_get_answers(api, alpha):
    """The list and the detail share one conversion, so they cannot drift apart."""
    _reports(alpha, alpha.brand, ["ready", "failed"])
    client = api(alpha.tokens["owner"])
    listed = client.get(_url(alpha.brand.id)).get_json()["data"]
    for item in listed:
        assert client.get(f"/api/v1/reports/{item['id']}").get_json() == item


def test_the_payload_has_exactly_the_documented_fields(api, alpha, client):
    from saas.api.reports import ReportPage

    _reports(alpha, alpha.brand, ["ready", "rendering"])
    body = api(alpha.tokens["owner"]).get(_url(alpha.brand.id)).get_json()
    doc = client.get("/api/v1/openapi.json").get_json()
    documented = set(doc["components"]["schemas"]["ReportOut"]["properties"])

    ReportPage.model_validate(body)
    assert all(set(item) == documented for item in body["data"])
    ref = doc["paths"]["/brands/{brand_id}/reports"]["get"]["responses"]["200"]["content"]
    assert ref["application/json"]["schema"] == {"$ref": "#/components/schemas/ReportPage"}


def test_pages_walk_the_list_newest_first(api, alpha):
    ids = list(reversed(_reports(alpha, alpha.brand, ["ready"] * 5)))
    client = api(alpha.tokens["owner"])

    first = client.get(_url(alpha.brand.id, "?per_page=2")).get_json()
    assert [r["id"] for r in first["data"]] == ids[:2]
    assert first["meta"] == {"page": 1, "per_page": 2, "total": 5, "next_page": 2}
    last = client.get(_url(alpha.brand.id, "?per_page=2&page=3")).get_json()
    assert [r["id"] for r in last["data"]] == ids[4:]
    assert last["meta"]["next_page"] is None
    beyond = client.get(_url(alpha.brand.id, "?per_page=2&page=9")).get_json()
    assert beyond["data"] == [] and beyond["meta"]["total"] == 5


def test_reports_with_the_same_time_are_ordered_by_id(api, alpha):
    ids = _reports(alpha, alpha.brand, ["ready", "ready"])
    with tenant_scope(alpha.agency.id):
        for report in db.session.scalars(db.select(Report)):
            report.created_at = START
        db.session.commit()
    listed = api(alpha.tokens["owner"]).get(_url(alpha.brand.id)).get_json()["data"]
    assert [r["id"] for r in listed] == list(reversed(ids))


@pytest.mark.parametrize("query", ["?page=0", "?per_page=101", "?page=x", "?per_page=-1"])
def test_bad_page_parameters_are_400_naming_the_parameter(api, alpha, query):
    resp = api(alpha.tokens["owner"]).get(_url(alpha.brand.id, query))
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error["code"] == "bad_request" and set(error["fields"]) & {"page", "per_page"}


@pytest.mark.parametrize("role", ["leader", "team"])
def test_client_users_see_only_the_ready_reports_of_their_brand(api, alpha, role):
    ids = _reports(alpha, alpha.brand, ["ready", "failed", "rendering", "ready"])
    body = api(alpha.tokens[role]).get(_url(alpha.brand.id)).get_json()
    assert [r["id"] for r in body["data"]] == [ids[3], ids[0]]
    assert body["meta"]["total"] == 2


def test_client_leader_of_one_brand_gets_404_for_another_brands_reports(api, alpha):
    _reports(alpha, alpha.other_brand, ["ready"])
    resp = api(alpha.tokens["leader"]).get(_url(alpha.other_brand.id))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"
    assert "Alpha Brand Two" not in resp.get_data(as_text=True)
    # The owner sees that brand's reports: the 404 is the leader's scope, not the route.
    assert api(alpha.tokens["owner"]).get(_url(alpha.other_brand.id)).status_code == 200


def test_consultant_sees_assigned_brands_and_404_for_the_others(api, alpha):
    _reports(alpha, alpha.brand, ["ready"])
    assigned = api(alpha.tokens["consultant"]).get(_url(alpha.brand.id))
    assert assigned.status_code == 200 and assigned.get_json()["meta"]["total"] == 1

    unassigned = factories.member(alpha.agency, "consultant")
    token = factories.api_token(unassigned)
    db.session.commit()
    resp = api(token).get(_url(alpha.brand.id))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"


def test_another_agency_gets_404_and_sees_nothing(api, alpha, bravo):
    _reports(alpha, alpha.brand, ["ready"])
    resp = api(bravo.tokens["owner"]).get(_url(alpha.brand.id))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"
    assert "Alpha" not in resp.get_data(as_text=True)
    own = api(bravo.tokens["owner"]).get(_url(bravo.brand.id)).get_json()
    assert own["data"] == [] and own["meta"]["total"] == 0


def test_without_a_token_it_is_401(api, alpha):
    resp = api(None).get(_url(alpha.brand.id))
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("brand_id", [0, MAX_ID, MAX_ID + 1, 10**30])
def test_brand_ids_out_of_range_are_404(api, alpha, brand_id):
    resp = api(alpha.tokens["owner"]).get(_url(brand_id))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"


def _list_queries(api_client, url: str) -> int:
    assert api_client.get(url).status_code == 200  # warm: the token's last-used stamp
    with count_queries() as counter:
        resp = api_client.get(url)
    assert resp.status_code == 200
    return counter["n"]


@pytest.mark.parametrize("role", ["owner", "leader"])
def test_listing_queries_do_not_grow_with_the_number_of_reports(api, alpha, role):
    """2 reports in brand One, 30 in brand Two: the same number of queries.  (The leader's
    brand One against itself with more reports, as the leader cannot see brand Two.)"""
    client = api(alpha.tokens[role])
    _reports(alpha, alpha.brand, ["ready"] * 2)
    small = _list_queries(client, _url(alpha.brand.id, "?per_page=100"))
    if role == "owner":
        _reports(alpha, alpha.other_brand, ["ready", "failed", "queued"] * 10)
        big = _list_queries(client, _url(alpha.other_brand.id, "?per_page=100"))
    else:
        _reports(alpha, alpha.brand, ["ready"] * 28)
        big = _list_queries(client, _url(alpha.brand.id, "?per_page=100"))
    assert big == small, f"{small} queries for 2 reports, {big} for 30"
