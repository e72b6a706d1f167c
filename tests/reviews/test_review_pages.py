"""The review pages: open from the plan, judge findings, comment, verdict; the matrix and
the score history; what client users and other agencies see."""

from __future__ import annotations

from sqlalchemy import select

from saas.extensions import db
from saas.models.reviews import Finding, Review
from tenants.context import tenant_scope


def _open_web(login_as, alpha, plan_id):
    client = login_as(alpha.consultant)
    resp = client.post(f"/plans/{plan_id}/reviews")
    assert resp.status_code == 303
    with tenant_scope(alpha.agency.id):
        review = db.session.scalar(select(Review).where(Review.plan_id == plan_id))
    assert resp.headers["Location"].endswith(f"/reviews/{review.id}")
    return client, review.id


def _findings(alpha, review_id):
    with tenant_scope(alpha.agency.id):
        return db.session.scalars(
            select(Finding)
            .where(Finding.review_id == review_id)
            .order_by(Finding.id)
            .execution_options(populate_existing=True)
        ).all()


def test_consultant_opens_a_review_and_sees_findings_grouped(login_as, alpha, submitted_broken):
    client, review_id = _open_web(login_as, alpha, submitted_broken.plan_id)
    page = client.get(f"/reviews/{review_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Findings by campaign" in html and "Findings by goal" in html
    assert "Spring teaser" in html and "Answer every customer within an hour" in html
    assert "Misaligned" in html  # the engine's suggestion, in words
    assert 'class="card kpi"' in html
    assert "Dismiss finding" in html and "Complete the review" in html


def test_dismiss_without_reason_shows_the_error_next_to_the_field(
    login_as, alpha, submitted_broken
):
    client, review_id = _open_web(login_as, alpha, submitted_broken.plan_id)
    finding = _findings(alpha, review_id)[0]
    resp = client.post(
        f"/reviews/{review_id}/findings/{finding.id}", data={"decision": "dismiss", "reason": ""}
    )
    assert resp.status_code == 422
    assert "Give a reason for dismissing this finding." in resp.get_data(as_text=True)
    assert _findings(alpha, review_id)[0].state == "open"

    ok = client.post(
        f"/reviews/{review_id}/findings/{finding.id}",
        data={"decision": "dismiss", "reason": "Not relevant this quarter"},
    )
    assert ok.status_code == 303
    after = _findings(alpha, review_id)[0]
    assert after.state == "dismissed" and after.dismiss_reason == "Not relevant this quarter"


def test_dismissing_raises_the_score(login_as, alpha, submitted_broken):
    client, review_id = _open_web(login_as, alpha, submitted_broken.plan_id)
    with tenant_scope(alpha.agency.id):
        before = db.session.scalar(select(Review.score).where(Review.id == review_id))
    for f in _findings(alpha, review_id):
        client.post(
            f"/reviews/{review_id}/findings/{f.id}",
            data={"decision": "dismiss", "reason": "Agreed exception"},
        )
    with tenant_scope(alpha.agency.id):
        db.session.expire_all()
        after = db.session.scalar(select(Review.score).where(Review.id == review_id))
    assert after > before


def test_verdict_with_open_findings_is_refused_on_the_page(login_as, alpha, submitted_broken):
    client, review_id = _open_web(login_as, alpha, submitted_broken.plan_id)
    resp = client.post(f"/reviews/{review_id}/complete", data={"verdict": "needs_changes"})
    assert resp.status_code == 409
    assert "Accept or dismiss every finding" in resp.get_data(as_text=True)
    assert submitted_broken.status() == "in_review"


def test_web_journey_to_changes_requested(login_as, alpha, submitted_broken):
    client, review_id = _open_web(login_as, alpha, submitted_broken.plan_id)
    for f in _findings(alpha, review_id):
        client.post(f"/reviews/{review_id}/findings/{f.id}", data={"decision": "accept"})
    client.post(
        f"/reviews/{review_id}/comments", data={"body": "Internal only QQQ", "shared": "no"}
    )
    client.post(
        f"/reviews/{review_id}/comments", data={"body": "For the client RRR", "shared": "yes"}
    )
    client.post(f"/reviews/{review_id}/recommendations", data={"recommendations": "Add care."})
    done = client.post(f"/reviews/{review_id}/complete", data={"verdict": "needs_changes"})
    assert done.status_code == 303
    assert submitted_broken.status() == "changes_requested"
    page = client.get(f"/reviews/{review_id}").get_data(as_text=True)
    assert "Needs changes" in page and "Add care." in page
    assert "Internal only QQQ" in page and "For the client RRR" in page


def test_client_users_see_completed_reviews_only_without_forms_or_internal_comments(
    client, login_as, alpha, submitted_broken
):
    staff, review_id = _open_web(login_as, alpha, submitted_broken.plan_id)
    staff.post(f"/reviews/{review_id}/comments", data={"body": "Internal only QQQ", "shared": "no"})
    staff.post(
        f"/reviews/{review_id}/comments", data={"body": "For the client RRR", "shared": "yes"}
    )
    staff.post("/logout")

    for who in (alpha.leader, alpha.team):
        c = login_as(who)
        assert c.get(f"/reviews/{review_id}").status_code == 404
        assert c.get(f"/reviews/{review_id}/matrix").status_code == 404
        c.post("/logout")

    staff = login_as(alpha.consultant)
    for f in _findings(alpha, review_id):
        staff.post(f"/reviews/{review_id}/findings/{f.id}", data={"decision": "accept"})
    staff.post(f"/reviews/{review_id}/complete", data={"verdict": "needs_changes"})
    staff.post("/logout")

    c = login_as(alpha.leader)
    page = c.get(f"/reviews/{review_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "For the client RRR" in html
    assert "Internal only QQQ" not in html
    assert '<form method="post" action="/reviews/' not in html
    assert "Needs changes" in html
    assert c.post(f"/reviews/{review_id}/comments", data={"body": "x"}).status_code == 403


def test_matrix_shows_goals_campaigns_and_strength_words(login_as, alpha, submitted_broken):
    client, review_id = _open_web(login_as, alpha, submitted_broken.plan_id)
    resp = client.get(f"/reviews/{review_id}/matrix")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'class="table-wrap matrix-wrap"' in html and 'class="table matrix"' in html
    assert '<th scope="row">' in html
    for name in ("Grow online orders by 20 %", "Spring teaser", "Story polls"):
        assert name in html
    # Story polls serves the sales goal with an error finding: partial; others: none.
    assert "◐</span> partial" in html and "○</span> none" in html
    # Achieved goals are not in the matrix.
    assert "Launch the loyalty app" not in html


def test_score_history_lists_each_reviewed_revision(login_as, alpha, submitted_broken):
    client, review_id = _open_web(login_as, alpha, submitted_broken.plan_id)
    resp = client.get(f"/plans/{submitted_broken.plan_id}/scores")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "<svg" in html and f"/reviews/{review_id}" in html


def test_two_reviews_on_one_day_are_two_points_of_the_score_history(
    api, login_as, alpha, submitted_broken
):
    """By revision, not by date: two same-day reviews once drew a vertical line."""
    token = alpha.tokens["consultant"]
    plan_id = submitted_broken.plan_id
    for _round in range(2):
        review = api(token).post(f"/api/v1/plans/{plan_id}/reviews").get_json()
        for finding in review["findings"]:
            url = f"/api/v1/reviews/{review['id']}/findings/{finding['id']}"
            api(token).post(url, json={"state": "accepted"})
        done = api(token).post(
            f"/api/v1/reviews/{review['id']}/complete", json={"verdict": "needs_changes"}
        )
        assert done.status_code == 200, done.get_json()
        submitted_broken.save("broken_plan", alpha.team)  # the next cycle's draft
        submitted_broken.move("submitted", alpha.team)
    html = login_as(alpha.consultant).get(f"/plans/{plan_id}/scores").get_data(as_text=True)
    start = html.index("chart-score")
    chart = html[start : html.index("</svg>", start)]
    assert chart.count("<circle") == 2
    assert "Revision 1" in chart and "Revision 2" in chart


def test_other_agency_gets_404_on_every_review_page(login_as, alpha, bravo, submitted_broken):
    staff, review_id = _open_web(login_as, alpha, submitted_broken.plan_id)
    finding = _findings(alpha, review_id)[0]
    staff.post("/logout")
    c = login_as(bravo.owner)
    assert c.get(f"/reviews/{review_id}").status_code == 404
    assert c.get(f"/reviews/{review_id}/matrix").status_code == 404
    assert c.get(f"/plans/{submitted_broken.plan_id}/scores").status_code == 404
    assert c.post(f"/plans/{submitted_broken.plan_id}/reviews").status_code == 404
    resp = c.post(f"/reviews/{review_id}/findings/{finding.id}", data={"decision": "accept"})
    assert resp.status_code == 404
    assert _findings(alpha, review_id)[0].state == "open"
