"""The brand overview's card of the latest completed review: its score, the verdict the
consultant recorded (over the engine's), a link to it and its plan's title, read from one
row of columns."""

from __future__ import annotations

import re

from sqlalchemy import select

from saas.extensions import db
from saas.models.reviews import Finding, Review
from tenants.context import tenant_scope


def _card(client, brand_id: int) -> str:
    resp = client.get(f"/brands/{brand_id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    found = re.search(r'<h2 id="plans-title">.*?</section>', html, re.S)
    assert found, "no plans card on the overview"
    return found.group(0)


def test_the_overview_shows_the_latest_completed_review(login_as, alpha, submitted_broken):
    client = login_as(alpha.consultant)
    assert "Latest review" not in _card(client, alpha.brand.id)  # none completed yet

    assert client.post(f"/plans/{submitted_broken.plan_id}/reviews").status_code == 303
    with tenant_scope(alpha.agency.id):
        review = db.session.scalar(select(Review).where(Review.plan_id == submitted_broken.plan_id))
        review_id, engine = review.id, review.engine_verdict
    assert "Latest review" not in _card(client, alpha.brand.id)  # open: not yet

    with tenant_scope(alpha.agency.id):
        findings = db.session.scalars(select(Finding.id).where(Finding.review_id == review_id))
        count = len(findings.all())
    resp = client.post(f"/reviews/{review_id}/findings/accept-all", data={"remaining": str(count)})
    assert resp.status_code == 303
    assert engine != "aligned"
    resp = client.post(f"/reviews/{review_id}/complete", data={"verdict": "aligned"})
    assert resp.status_code == 303
    with tenant_scope(alpha.agency.id):
        score = db.session.get(Review, review_id).score

    for reader in (alpha.consultant, alpha.leader):
        card = _card(login_as(reader), alpha.brand.id)
        assert f'<span class="kpi-value">{score}</span>' in card
        assert ">Aligned</span>" in card  # the consultant's verdict, not the engine's
        assert f'href="/reviews/{review_id}">Latest review</a>' in card
        assert "<bdi>" in card.split("Latest review", 1)[1]  # the plan's title follows

    other = _card(login_as(alpha.consultant), alpha.other_brand.id)
    assert "Latest review" not in other and f"/reviews/{review_id}" not in other
