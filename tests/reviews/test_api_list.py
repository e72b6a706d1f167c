"""Can an integration find a plan's reviews through the API?

``GET /api/v1/plans/{id}/reviews``: newest first, paginated, a summary per review (the
revision it judged, its score and verdict, how many findings the caller may see); client
users see completed reviews only, and a client leader only those of plans she may open.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from saas.extensions import db
from saas.models import Finding, PlanRevision, Review
from saas.web.common import MAX_ID
from tenants.context import tenant_scope
from tests import factories
from tests.perf.test_query_counts import count_queries


def _url(plan_id, query: str = "") -> str:
    return f"/api/v1/plans/{plan_id}/reviews{query}"


def _open(api, token, plan_id) -> dict:
    resp = api(token).post(_url(plan_id))
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _judge_all(api, token, review, *, dismiss_first: bool = False) -> None:
    for i, f in enumerate(review["findings"]):
        body = {"state": "accepted"}
        if dismiss_first and i == 0:
            body = {"state": "dismissed", "reason": "Agreed at the kick-off"}
        resp = api(token).post(f"/api/v1/reviews/{review['id']}/findings/{f['id']}", json=body)
        assert resp.status_code == 200, resp.get_json()


def _complete(api, token, review, verdict) -> dict:
    resp = api(token).post(f"/api/v1/reviews/{review['id']}/complete", json={"verdict": verdict})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


@pytest.fixture
def two_reviews(api, alpha, submitted_broken):
    """Revision 1 reviewed (changes requested, one finding dismissed); revision 2 submitted
    and its review open."""
    consultant = alpha.tokens["consultant"]
    first = _open(api, consultant, submitted_broken.plan_id)
    _judge_all(api, consultant, first, dismiss_first=True)
    first = _complete(api, consultant, first, "needs_changes")
    submitted_broken.save("corrected_plan", alpha.team)
    submitted_broken.move("submitted", alpha.team)
    second = _open(api, consultant, submitted_broken.plan_id)
    return submitted_broken, first, second


def test_staff_see_every_review_newest_first_with_revision_score_and_counts(
    api, alpha, two_reviews
):
    persisted, first, second = two_reviews
    resp = api(alpha.tokens["consultant"]).get(_url(persisted.plan_id))

    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert [r["id"] for r in body["data"]] == [second["id"], first["id"]]
    assert body["meta"] == {"page": 1, "per_page": 20, "total": 2, "next_page": None}
    newest, oldest = body["data"]
    assert newest["revision"] == 2 and newest["status"] == "open"
    assert newest["verdict"] == newest["engine_verdict"] == second["engine_verdict"]
    assert newest["score"] == second["score"]
    assert newest["finding_count"] == newest["open_finding_count"] == len(second["findings"])
    assert newest["completed_at"] is None
    assert oldest["revision"] == 1 and oldest["status"] == "completed"
    assert oldest["verdict"] == "needs_changes" and oldest["engine_verdict"] == "misaligned"
    assert oldest["finding_count"] == len(first["findings"])
    assert oldest["open_finding_count"] == 0
    assert oldest["plan_id"] == persisted.plan_id
    assert oldest["revision_id"] == first["revision_id"]


def test_a_summary_agrees_with_the_reviews_own_get(api, alpha, two_reviews):
    """Same ids, scores, verdicts and the same datetime format as ``GET /reviews/{id}``."""
    persisted, _first, _second = two_reviews
    client = api(alpha.tokens["owner"])
    for item in client.get(_url(persisted.plan_id)).get_json()["data"]:
        full = client.get(f"/api/v1/reviews/{item['id']}").get_json()
        for key in item.keys() - {"finding_count", "open_finding_count"}:
            assert item[key] == full[key], key
        assert item["finding_count"] == len(full["findings"])
        assert item["open_finding_count"] == sum(f["state"] == "open" for f in full["findings"])
        assert item["created_at"].endswith("Z")  # issue 9: one wire format, UTC with Z


def test_the_payload_has_exactly_the_documented_fields(api, alpha, client, two_reviews):
    from saas.api.reviews import ReviewPage

    persisted = two_reviews[0]
    body = api(alpha.tokens["owner"]).get(_url(persisted.plan_id)).get_json()
    doc = client.get("/api/v1/openapi.json").get_json()
    documented = set(doc["components"]["schemas"]["ReviewSummary"]["properties"])

    ReviewPage.model_validate(body)
    assert all(set(item) == documented for item in body["data"])
    created = doc["components"]["schemas"]["ReviewSummary"]["properties"]["created_at"]
    assert created["format"] == "date-time"


def test_pages_walk_the_list(api, alpha, two_reviews):
    persisted, first, second = two_reviews
    client = api(alpha.tokens["owner"])
    page1 = client.get(_url(persisted.plan_id, "?per_page=1")).get_json()
    assert [r["id"] for r in page1["data"]] == [second["id"]]
    assert page1["meta"] == {"page": 1, "per_page": 1, "total": 2, "next_page": 2}
    page2 = client.get(_url(persisted.plan_id, "?per_page=1&page=2")).get_json()
    assert [r["id"] for r in page2["data"]] == [first["id"]]
    assert page2["meta"]["next_page"] is None


@pytest.mark.parametrize("query", ["?page=0", "?per_page=0", "?per_page=1000", "?page=1.5"])
def test_bad_page_parameters_are_400(api, alpha, two_reviews, query):
    resp = api(alpha.tokens["owner"]).get(_url(two_reviews[0].plan_id, query))
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "bad_request"


def test_client_team_sees_completed_reviews_only_and_accepted_findings_only(
    api, alpha, two_reviews
):
    persisted, first, _second = two_reviews
    body = api(alpha.tokens["team"]).get(_url(persisted.plan_id)).get_json()
    assert [r["id"] for r in body["data"]] == [first["id"]]
    assert body["meta"]["total"] == 1
    # One finding was dismissed: the client does not see it, nor count it.
    assert body["data"][0]["finding_count"] == len(first["findings"]) - 1
    assert body["data"][0]["open_finding_count"] == 0


def test_client_leader_sees_reviews_once_the_plan_is_decided(api, alpha, two_reviews):
    persisted, first, second = two_reviews
    leader = api(alpha.tokens["leader"])
    # Changes requested, then submitted again: not a plan the leader may open yet.
    resp = leader.get(_url(persisted.plan_id))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"

    _judge_all(api, alpha.tokens["consultant"], second)
    _complete(api, alpha.tokens["consultant"], second, "aligned")
    assert persisted.status() == "approved"
    body = leader.get(_url(persisted.plan_id)).get_json()
    assert [r["id"] for r in body["data"]] == [second["id"], first["id"]]
    assert body["data"][0]["verdict"] == "aligned"


def test_client_leader_gets_404_for_a_plan_of_another_brand(api, alpha):
    plan = factories.planning_data(alpha.agency, alpha.other_brand, status="approved")
    resp = api(alpha.tokens["leader"]).get(_url(plan.id))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"
    # The owner may list them: the 404 is the leader's brand scope.
    assert api(alpha.tokens["owner"]).get(_url(plan.id)).status_code == 200


def test_consultant_assigned_lists_and_unassigned_gets_404(api, alpha, two_reviews):
    plan_id = two_reviews[0].plan_id
    assert api(alpha.tokens["consultant"]).get(_url(plan_id)).status_code == 200

    unassigned = factories.member(alpha.agency, "consultant")
    token = factories.api_token(unassigned)
    db.session.commit()
    resp = api(token).get(_url(plan_id))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"


def test_another_agency_gets_404(api, alpha, bravo, two_reviews):
    resp = api(bravo.tokens["owner"]).get(_url(two_reviews[0].plan_id))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"
    assert "Spring plan" not in resp.get_data(as_text=True)


def test_a_plan_without_reviews_lists_none(api, alpha):
    plan = factories.planning_data(alpha.agency, alpha.brand, status="submitted")
    body = api(alpha.tokens["owner"]).get(_url(plan.id)).get_json()
    assert body == {"data": [], "meta": {"page": 1, "per_page": 20, "total": 0, "next_page": None}}


@pytest.mark.parametrize("plan_id", [0, MAX_ID, MAX_ID + 1, 10**30])
def test_plan_ids_out_of_range_are_404(api, alpha, plan_id):
    resp = api(alpha.tokens["owner"]).get(_url(plan_id))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"


# --- queries -----------------------------------------------------------------------------


def _reviews(world, plan, count: int, findings: int) -> None:
    """``count`` completed reviews of the plan's revision 1, each with ``findings``."""
    with tenant_scope(world.agency.id):
        revision_id = db.session.scalar(
            db.select(PlanRevision.id).where(PlanRevision.plan_id == plan.id)
        )
        for i in range(count):
            review = Review(
                brand_id=plan.brand_id,
                plan_id=plan.id,
                revision_id=revision_id,
                status="completed",
                score=50 + i % 50,
                engine_verdict="needs_changes",
                verdict="needs_changes",
                created_at=datetime(2027, 1, 1) + timedelta(hours=i),
                completed_at=datetime(2027, 1, 1) + timedelta(hours=i, minutes=5),
            )
            db.session.add(review)
            db.session.flush()
            db.session.add_all(
                Finding(
                    brand_id=plan.brand_id,
                    review_id=review.id,
                    rule="duration_unjustified",
                    severity="warning",
                    state=("accepted", "dismissed")[j % 2],
                )
                for j in range(findings)
            )
        db.session.commit()


def _list_queries(api_client, url: str) -> int:
    assert api_client.get(url).status_code == 200  # warm: the token's last-used stamp
    with count_queries() as counter:
        resp = api_client.get(url)
    assert resp.status_code == 200
    return counter["n"]


@pytest.mark.parametrize("role", ["owner", "team"])
def test_listing_queries_do_not_grow_with_the_number_of_reviews(api, alpha, role):
    """2 reviews with 2 findings against 30 reviews with 12 findings each."""
    small = factories.planning_data(alpha.agency, alpha.brand, goals=1, campaigns=1, calendar=1)
    big = factories.planning_data(alpha.agency, alpha.brand, goals=1, campaigns=1, calendar=1)
    _reviews(alpha, small, 2, findings=2)
    _reviews(alpha, big, 30, findings=12)
    client = api(alpha.tokens[role])
    few = _list_queries(client, _url(small.id, "?per_page=100"))
    many = _list_queries(client, _url(big.id, "?per_page=100"))
    assert many == few, f"{few} queries for 2 reviews, {many} for 30"
    listed = client.get(_url(big.id, "?per_page=100")).get_json()["data"]
    assert len(listed) == 30
    assert {r["finding_count"] for r in listed} == {12 if role == "owner" else 6}
