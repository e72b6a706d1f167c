"""Does the brand overview and the consultant's dashboard show goals, plans and scores?"""

from datetime import date, timedelta

from saas.extensions import db
from saas.models import Goal, GoalCheckin
from tenants.context import tenant_scope
from tests import factories


def _goal_behind(world) -> None:
    with tenant_scope(world.agency.id):
        goal = Goal(
            brand_id=world.brand.id,
            title="Grow Alpha followers",
            metric="followers",
            baseline=100,
            target=200,
            start_date=date.today() - timedelta(days=90),
            due_date=date.today() + timedelta(days=10),
            priority="high",
        )
        db.session.add(goal)
        db.session.flush()
        db.session.add(
            GoalCheckin(brand_id=world.brand.id, goal_id=goal.id, date=date.today(), value=101)
        )
        db.session.commit()


def test_overview_lists_goals_with_progress_and_plans(alpha, login_as, client):
    _goal_behind(alpha)
    factories.planning_data(alpha.agency, alpha.brand, goals=0, campaigns=2, calendar=2)
    login_as(alpha.consultant)
    html = client.get(f"/brands/{alpha.brand.id}").get_data(as_text=True)
    assert "Grow Alpha followers" in html
    assert "Behind" in html
    assert "Big plan" in html
    assert "Coming soon" not in html  # reports exist: the card lists them, or offers one
    assert f'href="/brands/{alpha.brand.id}/reports#request-title"' in html


def test_client_leader_overview_hides_unapproved_plans(alpha, login_as, client):
    factories.planning_data(alpha.agency, alpha.brand, goals=1, campaigns=1, calendar=1)
    login_as(alpha.leader)
    html = client.get(f"/brands/{alpha.brand.id}").get_data(as_text=True)
    assert "Big plan" not in html


def test_dashboard_shows_waiting_plans_and_goals_at_risk(alpha, login_as, client):
    _goal_behind(alpha)
    factories.planning_data(alpha.agency, alpha.brand, goals=0, campaigns=1, calendar=1)
    login_as(alpha.consultant)
    html = client.get("/").get_data(as_text=True)
    assert "Plans waiting for review" in html
    assert "Big plan" in html
    assert "Grow Alpha followers" in html


def test_empty_brand_overview_teaches_goals_first(alpha, login_as, client):
    login_as(alpha.owner)
    html = client.get(f"/brands/{alpha.other_brand.id}").get_data(as_text=True)
    assert "Add the first goal" in html
    assert "Draft the first plan" in html
