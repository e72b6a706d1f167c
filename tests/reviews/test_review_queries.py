"""Do the review page and the matrix cost the same number of queries for 5 campaigns as
for 60 (and, by extension, 300)?  Accidental lazy loads would make the count grow."""

from __future__ import annotations

from tests.factories import planning_data


def _measure(client, api, alpha, count_queries, campaigns: int, goals: int) -> dict[str, int]:
    plan = planning_data(
        alpha.agency, alpha.brand, goals=goals, campaigns=campaigns, calendar=campaigns * 10
    )
    resp = api(alpha.tokens["consultant"]).post(f"/api/v1/plans/{plan.id}/reviews")
    assert resp.status_code == 201, resp.get_json()
    review_id = resp.get_json()["id"]
    counts = {}
    for name, url in (
        ("review", f"/reviews/{review_id}"),
        ("matrix", f"/reviews/{review_id}/matrix"),
        ("scores", f"/plans/{plan.id}/scores"),
        ("api", f"/api/v1/reviews/{review_id}"),
    ):
        with count_queries() as counter:
            getter = api(alpha.tokens["consultant"]).get if name == "api" else client.get
            page = getter(url)
        assert page.status_code == 200, (name, page.status_code)
        counts[name] = counter.count
    if campaigns > 5:
        html = client.get(f"/reviews/{review_id}/matrix").get_data(as_text=True)
        assert f"Campaign {campaigns - 1}" in html and f"Goal {goals - 1}" in html
    return counts


def test_review_pages_do_not_grow_with_the_plan(login_as, api, alpha, count_queries):
    client = login_as(alpha.consultant)
    small = _measure(client, api, alpha, count_queries, campaigns=5, goals=3)
    large = _measure(client, api, alpha, count_queries, campaigns=60, goals=12)
    assert small == large
    assert small["review"] <= 15 and small["matrix"] <= 12
