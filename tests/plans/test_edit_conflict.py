"""Two people editing the same plan at once, through the API: every plan carries a
``version``; a save or a transition from an older one is a 409 ``edit_conflict`` that
changes nothing, and two saves from the same version never both succeed (a compare-and-set
UPDATE, checked here on the run's database: SQLite, or PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, update

from saas.extensions import db
from saas.models import AuditEvent, Campaign, Plan
from saas.services import plans as plans_service
from tenants.context import tenant_scope
from tests.plans.conftest import campaign_body, counts


def _revise(api, token, plan_id, name, **kw):
    body = {"campaigns": [campaign_body(name=name)], **kw}
    return api(token).post(f"/api/v1/plans/{plan_id}/revisions", json=body)


def _saved(world, plan_id):
    """(version, campaign names) as committed."""
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        plan = db.session.get(Plan, plan_id)
        current = plans_service.current_revision(plan)
        names = list(
            db.session.scalars(select(Campaign.name).where(Campaign.revision_id == current.id))
        )
        return plan.version, names


def _saves_audited(world, plan_id):
    with tenant_scope(world.agency.id):
        return db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "plan.revision_saved",
                AuditEvent.object_id == plan_id,
            )
        )


def test_every_plan_response_carries_the_version_and_each_change_moves_it_on(alpha, api, planned):
    plan = planned["plan"]
    plan_id, team = plan["id"], alpha.tokens["team"]
    assert plan["version"] == 1

    assert api(team).get(f"/api/v1/plans/{plan_id}").get_json()["version"] == 1
    listed = api(team).get(f"/api/v1/brands/{alpha.brand.id}/plans").get_json()["data"]
    assert [p["version"] for p in listed] == [1]

    saved = _revise(api, team, plan_id, "Summer reels", version=1)
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["version"] == 2

    moved = api(team).post(
        f"/api/v1/plans/{plan_id}/transitions", json={"to": "submitted", "version": 2}
    )
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["status"] == "submitted" and moved.get_json()["version"] == 3
    assert _saved(alpha, plan_id) == (3, ["Summer reels"])


def test_clients_that_send_no_version_keep_working(alpha, api, planned):
    plan_id, team = planned["plan"]["id"], alpha.tokens["team"]

    first = _revise(api, team, plan_id, "Without a version")
    second = _revise(api, team, plan_id, "Still without one")

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.get_json()["version"] == 3
    assert _saved(alpha, plan_id) == (3, ["Still without one"])


def test_a_save_from_a_stale_version_is_a_409_that_changes_nothing(alpha, api, planned):
    plan_id = planned["plan"]["id"]
    # Both open version 1; the consultant saves first.
    assert (
        _revise(api, alpha.tokens["consultant"], plan_id, "Consultant's", version=1).status_code
        == 200
    )
    before = counts(alpha.agency.id)

    resp = _revise(api, alpha.tokens["team"], plan_id, "Team's", version=1)

    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "edit_conflict"
    assert error["fields"] == {}
    assert error["current_version"] == 2
    assert "Someone else saved this plan" in error["message"]
    assert counts(alpha.agency.id) == before
    assert _saved(alpha, plan_id) == (2, ["Consultant's"])
    assert _saves_audited(alpha, plan_id) == 1

    # With the version the conflict named, the save is a deliberate one and goes through.
    retry = _revise(api, alpha.tokens["team"], plan_id, "Team's", version=error["current_version"])
    assert retry.status_code == 200 and retry.get_json()["version"] == 3
    assert _saved(alpha, plan_id) == (3, ["Team's"])


def test_a_version_from_the_future_is_a_conflict_too(alpha, api, planned):
    plan_id = planned["plan"]["id"]
    resp = _revise(api, alpha.tokens["team"], plan_id, "Guessed", version=7)
    assert resp.status_code == 409
    assert resp.get_json()["error"]["current_version"] == 1
    assert _saved(alpha, plan_id) == (1, ["Spring stories"])


def test_a_stale_version_is_refused_before_the_content_is_judged(alpha, api, planned):
    plan_id = planned["plan"]["id"]
    _revise(api, alpha.tokens["consultant"], plan_id, "Consultant's", version=1)
    body = {"campaigns": [campaign_body(end_date="2027-02-01")], "version": 1}  # ends first
    resp = api(alpha.tokens["team"]).post(f"/api/v1/plans/{plan_id}/revisions", json=body)
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "edit_conflict"


@pytest.mark.parametrize("version", [0, -1, 2**31, "2", 1.5, True])
def test_a_malformed_version_is_a_422_naming_it(alpha, api, planned, version):
    plan_id = planned["plan"]["id"]
    resp = _revise(api, alpha.tokens["team"], plan_id, "Bad version", version=version)
    assert resp.status_code == 422
    assert "version" in resp.get_json()["error"]["fields"]
    assert _saved(alpha, plan_id) == (1, ["Spring stories"])


def test_a_transition_from_a_stale_version_is_refused(alpha, api, planned):
    plan_id = planned["plan"]["id"]
    _revise(api, alpha.tokens["consultant"], plan_id, "Consultant's", version=1)

    resp = api(alpha.tokens["team"]).post(
        f"/api/v1/plans/{plan_id}/transitions", json={"to": "submitted", "version": 1}
    )

    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "edit_conflict"
    assert resp.get_json()["error"]["current_version"] == 2
    plan = api(alpha.tokens["team"]).get(f"/api/v1/plans/{plan_id}").get_json()
    assert (plan["status"], plan["version"]) == ("draft", 2)


def test_a_transition_moves_the_version_on_so_an_edit_made_before_it_is_refused(
    alpha, api, planned
):
    plan_id = planned["plan"]["id"]
    api(alpha.tokens["team"]).post(
        f"/api/v1/plans/{plan_id}/transitions", json={"to": "submitted", "version": 1}
    )
    resp = _revise(api, alpha.tokens["team"], plan_id, "Edited before it was submitted", version=1)
    assert resp.status_code == 409
    assert _saved(alpha, plan_id) == (2, ["Spring stories"])


def _competing_save_lands_after_the_load(monkeypatch, app, plan_id):
    """Make another person's save commit between this request loading the plan and writing
    it: the window a version check in Python alone would miss."""
    real = plans_service.get_plan

    def get_plan(ident, role):
        plan = real(ident, role)
        with db.engine.connect() as other:  # another connection: another person's request
            plans = Plan.__table__  # Core, on its own connection: no session, no scope
            other.execute(
                update(plans).where(plans.c.id == plan_id).values(version=plans.c.version + 1)
            )
            other.commit()
        return plan

    monkeypatch.setattr(plans_service, "get_plan", get_plan)


@pytest.mark.parametrize("send_version", [True, False])
def test_a_save_that_loaded_the_plan_just_before_another_landed_is_refused(
    alpha, api, planned, monkeypatch, db_app, send_version
):
    plan_id = planned["plan"]["id"]
    _competing_save_lands_after_the_load(monkeypatch, db_app, plan_id)
    extra = {"version": 1} if send_version else {}

    resp = _revise(api, alpha.tokens["team"], plan_id, "Overwrite?", **extra)

    assert resp.status_code == 409, resp.get_json()
    assert resp.get_json()["error"]["current_version"] == 2
    assert _saved(alpha, plan_id) == (2, ["Spring stories"])
    assert _saves_audited(alpha, plan_id) == 0


def test_a_transition_that_loaded_the_plan_just_before_another_save_is_refused(
    alpha, api, planned, monkeypatch, db_app
):
    plan_id = planned["plan"]["id"]
    _competing_save_lands_after_the_load(monkeypatch, db_app, plan_id)
    resp = api(alpha.tokens["team"]).post(
        f"/api/v1/plans/{plan_id}/transitions", json={"to": "submitted"}
    )
    assert resp.status_code == 409
    monkeypatch.undo()
    plan = api(alpha.tokens["team"]).get(f"/api/v1/plans/{plan_id}").get_json()
    assert (plan["status"], plan["version"]) == ("draft", 2)


def test_two_saves_at_the_same_moment_from_the_same_version_do_not_both_succeed(
    alpha, api, planned, monkeypatch, db_app
):
    """Two requests in two threads, each on its own connection: both load version 1, then
    both write.  The compare-and-set lets exactly one through (on PostgreSQL the other waits
    on the row lock, then finds the version moved on)."""
    plan_id = planned["plan"]["id"]
    both_loaded = threading.Barrier(2, timeout=30)
    real = plans_service.get_plan

    def get_plan(ident, role):
        plan = real(ident, role)
        both_loaded.wait()  # neither writes before both have read version 1
        return plan

    monkeypatch.setattr(plans_service, "get_plan", get_plan)
    results: dict[str, object] = {}

    def save(who: str) -> None:
        client = db_app.test_client()
        body = {"campaigns": [campaign_body(name=f"{who}'s")], "version": 1}
        resp = client.post(
            f"/api/v1/plans/{plan_id}/revisions",
            json=body,
            headers={"Authorization": f"Bearer {alpha.tokens[who]}"},
        )
        results[who] = (resp.status_code, resp.get_json())

    threads = [threading.Thread(target=save, args=(who,)) for who in ("team", "consultant")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    monkeypatch.undo()

    statuses = sorted(status for status, _body in results.values())
    assert statuses == [200, 409], results
    [(winner, _)] = [(who, r) for who, r in results.items() if r[0] == 200]
    [loser_body] = [r[1] for r in results.values() if r[0] == 409]
    assert loser_body["error"]["code"] == "edit_conflict"
    assert loser_body["error"]["current_version"] == 2
    assert _saved(alpha, plan_id) == (2, [f"{winner}'s"])
    assert _saves_audited(alpha, plan_id) == 1


def test_the_openapi_document_shows_the_version_and_the_conflict(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    assert "version" in schemas["PlanSummary"]["required"]
    assert schemas["PlanOut"]["properties"]["version"]["type"] == "integer"
    for body in ("RevisionCreate", "TransitionIn"):
        assert "version" in schemas[body]["properties"]
        assert "version" not in schemas[body].get("required", [])
        assert "edit_conflict" in str(schemas[body]["properties"]["version"])
    for path in ("/plans/{plan_id}/revisions", "/plans/{plan_id}/transitions"):
        post = doc["paths"][path]["post"]
        assert "409" in post["responses"]
        assert "edit_conflict" in post["summary"]
