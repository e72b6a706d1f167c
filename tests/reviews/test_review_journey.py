"""The review journey through the API: broken plan → findings → changes requested →
revision 2 → aligned → approved; and the refusals along the way."""

from __future__ import annotations

from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage
from saas.models.reviews import Finding, Review, ReviewComment
from tenants.context import tenant_scope


def _open(api, token, plan_id):
    return api(token).post(f"/api/v1/plans/{plan_id}/reviews")


def _decide_all(api, token, review):
    for f in review["findings"]:
        resp = api(token).post(
            f"/api/v1/reviews/{review['id']}/findings/{f['id']}", json={"state": "accepted"}
        )
        assert resp.status_code == 200, resp.get_json()


def test_broken_plan_gets_every_rule_and_a_misaligned_verdict(api, alpha, submitted_broken):
    from saas.domain.alignment import RULES

    resp = _open(api, alpha.tokens["consultant"], submitted_broken.plan_id)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["verdict"] == "misaligned"
    assert body["revision"] == 1
    assert {f["rule"] for f in body["findings"]} == set(RULES)
    assert all(f["message"] and f["state"] == "open" for f in body["findings"])
    assert set(body["coverage"]) <= {str(i) for i in submitted_broken.goal_ids.values()}
    assert submitted_broken.status() == "in_review"
    with tenant_scope(alpha.agency.id):
        stored = db.session.scalars(select(Finding).where(Finding.review_id == body["id"])).all()
    assert len(stored) == len(body["findings"])


def test_opening_again_returns_the_open_review(api, alpha, submitted_broken):
    first = _open(api, alpha.tokens["consultant"], submitted_broken.plan_id).get_json()
    again = _open(api, alpha.tokens["owner"], submitted_broken.plan_id)
    assert again.status_code == 201
    assert again.get_json()["id"] == first["id"]
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(db.func.count(Review.id))) == 1


def test_findings_speak_the_callers_language(api, client, alpha, submitted_broken):
    review = _open(api, alpha.tokens["consultant"], submitted_broken.plan_id).get_json()
    ar = client.get(
        f"/api/v1/reviews/{review['id']}",
        headers={
            "Authorization": f"Bearer {alpha.tokens['consultant']}",
            "Accept-Language": "ar",
        },
    ).get_json()
    assert any("\u0600" <= ch <= "\u06ff" for ch in ar["findings"][0]["message"])
    assert ar["findings"][0]["message"] != review["findings"][0]["message"]


def test_client_team_cannot_open_a_review(api, alpha, submitted_broken):
    resp = _open(api, alpha.tokens["team"], submitted_broken.plan_id)
    assert resp.status_code == 403
    assert submitted_broken.status() == "submitted"


def test_a_draft_plan_cannot_be_reviewed(api, alpha, persisted):
    persisted.save("broken_plan", alpha.team)
    resp = _open(api, alpha.tokens["consultant"], persisted.plan_id)
    assert resp.status_code == 409
    assert persisted.status() == "draft"


def test_dismissing_without_a_reason_is_refused(api, alpha, submitted_broken):
    review = _open(api, alpha.tokens["consultant"], submitted_broken.plan_id).get_json()
    finding = review["findings"][0]
    url = f"/api/v1/reviews/{review['id']}/findings/{finding['id']}"
    for body in ({"state": "dismissed"}, {"state": "dismissed", "reason": "   "}):
        resp = api(alpha.tokens["consultant"]).post(url, json=body)
        assert resp.status_code == 422
        assert "reason" in resp.get_json()["error"]["fields"]
    ok = api(alpha.tokens["consultant"]).post(
        url, json={"state": "dismissed", "reason": "Agreed with the client in the kick-off"}
    )
    assert ok.status_code == 200
    after = next(f for f in ok.get_json()["findings"] if f["id"] == finding["id"])
    assert after["state"] == "dismissed"
    assert after["dismiss_reason"] == "Agreed with the client in the kick-off"


def test_completing_with_open_findings_is_refused(api, alpha, submitted_broken):
    review = _open(api, alpha.tokens["consultant"], submitted_broken.plan_id).get_json()
    resp = api(alpha.tokens["consultant"]).post(
        f"/api/v1/reviews/{review['id']}/complete", json={"verdict": "needs_changes"}
    )
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "findings_open"
    assert submitted_broken.status() == "in_review"
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Review.status).where(Review.id == review["id"])) == "open"


def test_full_journey_changes_requested_then_revision_2_approved(
    api, alpha, submitted_broken, run_jobs
):
    consultant = alpha.tokens["consultant"]
    review = _open(api, consultant, submitted_broken.plan_id).get_json()
    _decide_all(api, consultant, review)
    done = api(consultant).post(
        f"/api/v1/reviews/{review['id']}/complete",
        json={"verdict": "needs_changes", "recommendations": "Link every campaign to a goal."},
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["verdict"] == "needs_changes"
    assert done.get_json()["status"] == "completed"
    assert submitted_broken.status() == "changes_requested"

    run_jobs()
    with tenant_scope(alpha.agency.id):
        sent = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "review_completed")
        ).all()
    assert [m.to_email for m in sent] == ["team@alpha.test"]
    assert "Spring plan" in sent[0].subject
    assert f"/reviews/{review['id']}" in sent[0].body_text
    assert "Link every campaign to a goal." in sent[0].body_text

    # The client team fixes the plan: revision 2, submitted again.
    submitted_broken.save("corrected_plan", alpha.team)
    submitted_broken.move("submitted", alpha.team)

    second = _open(api, consultant, submitted_broken.plan_id)
    assert second.status_code == 201
    second = second.get_json()
    assert second["revision"] == 2
    assert second["verdict"] == "aligned"
    assert second["score"] > review["score"]
    _decide_all(api, consultant, second)
    approved = api(consultant).post(
        f"/api/v1/reviews/{second['id']}/complete", json={"verdict": "aligned"}
    )
    assert approved.status_code == 200, approved.get_json()
    assert submitted_broken.status() == "approved"


def test_the_author_of_a_revision_cannot_approve_it(api, alpha, persisted):
    persisted.save("corrected_plan", alpha.consultant)  # the consultant drafted it
    persisted.move("submitted", alpha.consultant)
    review = _open(api, alpha.tokens["consultant"], persisted.plan_id).get_json()
    _decide_all(api, alpha.tokens["consultant"], review)
    url = f"/api/v1/reviews/{review['id']}/complete"
    refused = api(alpha.tokens["consultant"]).post(url, json={"verdict": "aligned"})
    assert refused.status_code == 403
    assert persisted.status() == "in_review"
    # Someone else may.
    ok = api(alpha.tokens["owner"]).post(url, json={"verdict": "aligned"})
    assert ok.status_code == 200
    assert persisted.status() == "approved"


def test_comments_validate_their_subject(api, alpha, bravo, submitted_broken):
    review = _open(api, alpha.tokens["consultant"], submitted_broken.plan_id).get_json()
    url = f"/api/v1/reviews/{review['id']}/comments"
    resp = api(alpha.tokens["consultant"]).post(url, json={"body": "", "shared": False})
    assert resp.status_code == 422 and "body" in resp.get_json()["error"]["fields"]
    resp = api(alpha.tokens["consultant"]).post(
        url, json={"body": "Hi", "shared": True, "goal_id": 987654}
    )
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"]["goal_id"] == "Unknown goal 987654"
    goal_id = next(iter(submitted_broken.goal_ids.values()))
    ok = api(alpha.tokens["consultant"]).post(
        url, json={"body": "Good goal", "shared": True, "goal_id": goal_id}
    )
    assert ok.status_code == 201
    assert ok.get_json()["goal_id"] == goal_id
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(db.func.count(ReviewComment.id))) == 1


def test_client_leader_sees_only_completed_reviews_and_shared_comments(
    api, alpha, submitted_broken
):
    consultant = alpha.tokens["consultant"]
    review = _open(api, consultant, submitted_broken.plan_id).get_json()
    url = f"/api/v1/reviews/{review['id']}"
    api(consultant).post(f"{url}/comments", json={"body": "Internal note XYZ", "shared": False})
    api(consultant).post(f"{url}/comments", json={"body": "Shared advice ABC", "shared": True})
    for role in ("leader", "team"):
        assert api(alpha.tokens[role]).get(url).status_code == 404
    _decide_all(api, consultant, review)
    api(consultant).post(f"{url}/complete", json={"verdict": "needs_changes"})
    for role in ("leader", "team"):
        resp = api(alpha.tokens[role]).get(url)
        assert resp.status_code == 200
        text = resp.get_data(as_text=True)
        assert "Shared advice ABC" in text
        assert "Internal note XYZ" not in text
    staff = api(consultant).get(url).get_data(as_text=True)
    assert "Internal note XYZ" in staff


def test_other_agency_gets_404_everywhere(api, alpha, bravo, submitted_broken):
    review = _open(api, alpha.tokens["consultant"], submitted_broken.plan_id).get_json()
    finding = review["findings"][0]
    token = bravo.tokens["owner"]
    assert _open(api, token, submitted_broken.plan_id).status_code == 404
    assert api(token).get(f"/api/v1/reviews/{review['id']}").status_code == 404
    assert (
        api(token)
        .post(
            f"/api/v1/reviews/{review['id']}/findings/{finding['id']}",
            json={"state": "accepted"},
        )
        .status_code
        == 404
    )
    assert (
        api(token)
        .post(f"/api/v1/reviews/{review['id']}/complete", json={"verdict": "aligned"})
        .status_code
        == 404
    )
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Finding.state).where(Finding.id == finding["id"])) == "open"
