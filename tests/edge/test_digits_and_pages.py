"""Unicode digits and huge page numbers are not 500s (issue 7, item 4).

``"²".isdigit()`` is True but ``int("²")`` fails; ``page=99999999999999999999`` made the
OFFSET overflow on PostgreSQL.
"""

from __future__ import annotations

import pytest

MAX_PAGE = 100_000  # saas.web.common.MAX_PAGE, documented as the maximum page

HUGE = "99999999999999999999"


@pytest.fixture
def draft_plan(alpha):
    from tests.factories import planning_data

    plan = planning_data(
        alpha.agency, alpha.brand, goals=1, campaigns=1, calendar=1, status="draft"
    )
    return plan.id


def test_api_compare_with_a_superscript_digit_is_a_400(alpha, api, seeded):
    resp = api(alpha.tokens["owner"]).get(f"/api/v1/plans/{seeded.plan_id}/compare?a=1&b=²")
    assert resp.status_code == 400
    assert "b" in resp.get_json()["error"]["fields"]


def test_web_compare_with_a_superscript_digit_is_not_a_500(alpha, login_as, client, seeded):
    login_as(alpha.owner)
    assert client.get(f"/plans/{seeded.plan_id}/compare?a=1&b=²").status_code == 404


def test_web_campaign_with_superscript_ids_is_not_a_500(alpha, login_as, client, draft_plan):
    login_as(alpha.consultant)
    resp = client.post(
        f"/plans/{draft_plan}/campaigns/new",
        data={
            "name": "Spring",
            "networks": ["instagram"],
            "format": "post",
            "objective": "awareness",
            "start_date": "2027-01-01",
            "end_date": "2027-01-31",
            "audience_id": "²",
            "goal_ids": ["²"],
        },
    )
    assert resp.status_code in (200, 302, 303, 422), resp.status_code


WEB_LISTS = [
    "/brands/",
    "/brands/{brand}/goals",
    "/brands/{brand}/audiences",
    "/brands/{brand}/plans",
    "/brands/{brand}/reports",
    "/members/",
    "/settings/audit",
    "/settings/outbox",
]


@pytest.mark.parametrize("path", WEB_LISTS)
def test_web_lists_refuse_a_huge_page_with_400(alpha, login_as, client, path):
    login_as(alpha.owner)
    url = path.format(brand=alpha.brand.id)

    assert client.get(f"{url}?page={HUGE}").status_code == 400
    assert client.get(f"{url}?page={MAX_PAGE + 1}").status_code == 400
    assert client.get(f"{url}?page={MAX_PAGE}").status_code == 200
    assert client.get(f"{url}?page=²&per_page=²").status_code == 200  # lenient: page 1


API_LISTS = [
    "/api/v1/brands",
    "/api/v1/brands/{brand}/goals",
    "/api/v1/brands/{brand}/audiences",
    "/api/v1/brands/{brand}/plans",
    "/api/v1/goals/{goal}/checkins",
    "/api/v1/tokens",
    "/api/v1/members",
]


@pytest.mark.parametrize("path", API_LISTS)
def test_api_lists_refuse_pages_beyond_the_documented_maximum(alpha, api, seeded, path):
    client = api(alpha.tokens["owner"])
    url = path.format(brand=seeded.brand_id, goal=seeded.goal_id)

    for page in (HUGE, str(MAX_PAGE + 1), "²", "1_0"):
        resp = client.get(f"{url}?page={page}")
        assert resp.status_code == 400, (url, page, resp.status_code)
        assert "page" in resp.get_json()["error"]["fields"]
    assert client.get(f"{url}?page={MAX_PAGE}").status_code == 200
