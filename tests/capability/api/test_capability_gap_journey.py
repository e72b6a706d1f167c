"""The capability journey through the API alone: a plan whose TikTok short-video campaign
(with a paid budget) needs skills the team lacks gets ``capability_gap`` findings naming the
skill and the campaign with a fix; better assessments make the next review drop them."""

from __future__ import annotations

from tests.plans.conftest import make_audience, make_goal

TIKTOK = "Ramadan TikTok teaser"
CAROUSEL = "Menu carousel"


def _campaign(goal_id, audience_id, **kw):
    body = {
        "name": TIKTOK,
        "networks": ["tiktok"],
        "format": "short_video",
        "objective": "awareness",
        "kpi": "views",
        "kpi_baseline": 1000,
        "kpi_target": 5000,
        "audience_id": audience_id,
        "start_date": "2027-03-01",
        "end_date": "2027-03-31",
        "duration_rationale": "Ramadan",
        "budget": 1500,
        "goal_ids": [goal_id],
    }
    body.update(kw)
    return body


def _gaps(review) -> list[dict]:
    return [f for f in review["findings"] if f["rule"] == "capability_gap"]


def _accept_all(call, token, review):
    for f in review["findings"]:
        resp = call(
            token, "POST", f"/reviews/{review['id']}/findings/{f['id']}", json={"state": "accepted"}
        )
        assert resp.status_code == 200, resp.get_json()


def test_low_ratings_raise_capability_gaps_and_better_ones_clear_them(alpha, call):
    owner, consultant, team_token = (alpha.tokens[r] for r in ("owner", "consultant", "team"))
    brand = alpha.brand.id

    # The client team: the social manager (a Tandem user) and a colleague known by name.
    own = call(
        owner,
        "POST",
        f"/brands/{brand}/team",
        json={"name": "Alpha Team", "user_id": alpha.team.user_id},
    ).get_json()["id"]
    colleague = call(owner, "POST", f"/brands/{brand}/team", json={"name": "Sara"}).get_json()["id"]
    ratings = [
        (team_token, own, "tiktok", 1),  # rates themself: aware
        (consultant, colleague, "tiktok", 0),
        (consultant, own, "short_video", 1),
        (consultant, colleague, "paid_social", 1),
        (consultant, own, "instagram", 3),
        (consultant, colleague, "content_creation", 2),
    ]
    for token, member, skill, rating in ratings:
        body = {"member_id": member, "skill": skill, "rating": rating}
        resp = call(token, "POST", f"/brands/{brand}/assessments", json=body)
        assert resp.status_code == 201, resp.get_json()
    matrix = call(alpha.tokens["leader"], "GET", f"/brands/{brand}/skills-matrix").get_json()
    assert {"tiktok", "short_video", "paid_social"} <= set(matrix["thin"])
    assert "instagram" not in matrix["thin"]

    # The plan: a TikTok short video with a paid budget, and an unpaid Instagram carousel.
    goal_id, audience_id = make_goal(alpha), make_audience(alpha)
    plan = call(
        team_token,
        "POST",
        f"/brands/{brand}/plans",
        json={
            "title": "Ramadan plan",
            "period_start": "2027-03-01",
            "period_end": "2027-05-31",
            "campaigns": [
                _campaign(goal_id, audience_id),
                _campaign(goal_id, audience_id, name=CAROUSEL, networks=["instagram"],
                          format="carousel", budget=0),
            ],
            "calendar": [],
        },
    )  # fmt: skip
    assert plan.status_code == 201, plan.get_json()
    plan = plan.get_json()
    tiktok_id = next(c["id"] for c in plan["campaigns"] if c["name"] == TIKTOK)
    moved = call(team_token, "POST", f"/plans/{plan['id']}/transitions", json={"to": "submitted"})
    assert moved.status_code == 200, moved.get_json()

    review = call(consultant, "POST", f"/plans/{plan['id']}/reviews")
    assert review.status_code == 201, review.get_json()
    review = review.get_json()
    gaps = _gaps(review)
    assert {f["campaign_id"] for f in gaps} == {tiktok_id}  # the carousel's skills are there
    by_skill = {
        skill: f
        for f in gaps
        for skill in ("TikTok", "short video", "paid social")
        if f"the skill {skill}" in f["message"]
    }
    assert set(by_skill) == {"TikTok", "short video", "paid social"}, [f["message"] for f in gaps]
    assert len(gaps) == 3
    tiktok = by_skill["TikTok"]
    assert TIKTOK in tiktok["message"] and "1 of 4" in tiktok["message"]
    assert (
        "0 of 4" in by_skill["short video"]["message"]
        or "1 of 4" in by_skill["short video"]["message"]
    )
    assert "partner-led session" in tiktok["fix"] and "course" in tiktok["fix"]
    assert tiktok["severity"] == "warning" and tiktok["state"] == "open"

    # The same findings in Arabic for an Arabic reader.
    ar = call(consultant, "GET", f"/reviews/{review['id']}", lang="ar").get_json()
    assert len(_gaps(ar)) == 3
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in f["message"]) for f in _gaps(ar))

    # A partner session, a course and shadowing later, the consultant rates them again.
    for member, skill in ((own, "tiktok"), (own, "short_video"), (colleague, "paid_social")):
        body = {"member_id": member, "skill": skill, "rating": 3}
        resp = call(consultant, "POST", f"/brands/{brand}/assessments", json=body)
        assert resp.status_code == 201, resp.get_json()
    matrix = call(alpha.tokens["leader"], "GET", f"/brands/{brand}/skills-matrix").get_json()
    assert {"tiktok": 3, "short_video": 3, "paid_social": 3}.items() <= matrix["strongest"].items()

    # Changes requested, revision 2 (the same campaigns), submitted, reviewed again.
    _accept_all(call, consultant, review)
    done = call(
        consultant, "POST", f"/reviews/{review['id']}/complete", json={"verdict": "needs_changes"}
    )
    assert done.status_code == 200, done.get_json()
    current = call(team_token, "GET", f"/plans/{plan['id']}").get_json()
    campaigns = [
        {k: c[k] for k in _campaign(goal_id, audience_id) if k in c} | {"key": c["key"]}
        for c in current["campaigns"]
    ]
    revision = call(
        team_token,
        "POST",
        f"/plans/{plan['id']}/revisions",
        json={"campaigns": campaigns, "calendar": [], "note": "Team trained on TikTok"},
    )
    assert revision.status_code == 201, revision.get_json()
    moved = call(team_token, "POST", f"/plans/{plan['id']}/transitions", json={"to": "submitted"})
    assert moved.status_code == 200, moved.get_json()
    second = call(consultant, "POST", f"/plans/{plan['id']}/reviews")
    assert second.status_code == 201, second.get_json()
    second = second.get_json()
    assert second["revision"] == 2 and second["id"] != review["id"]
    assert _gaps(second) == []
    assert second["score"] >= review["score"]
