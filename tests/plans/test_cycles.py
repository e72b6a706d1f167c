"""Revisions by review cycle: one working draft per cycle, numbers count what was submitted.

Through HTTP: submit → review → changes requested → three campaign edits and a calendar
CSV import make one draft (not four revisions) → submit → revision 2, compare 1 vs 2; the
API answers 201 when a save starts the cycle's draft and 200 when it updates it; and the
migration's data step (``0005_revision_cycles.cycle_changes``).
"""

from __future__ import annotations

import csv
import html
import importlib.util
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from saas.extensions import db
from saas.models import AuditEvent, Campaign, Plan, PlanRevision, User
from tenants.context import tenant_scope
from tests.plans.conftest import campaign_body, counts
from tests.plans.test_web import CAMPAIGN_FORM

MIGRATION = (
    Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0005_revision_cycles.py"
)


def main(resp) -> str:
    page = html.unescape(resp.get_data(as_text=True))
    return page[page.find("<main") : page.find("</main>")]


def revisions(world, plan_id: int) -> list[tuple[int, bool, bool]]:
    """(number, frozen, submitted) of each revision, oldest first."""
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return [
            (number, frozen, submitted_at is not None)
            for number, frozen, submitted_at in db.session.execute(
                select(PlanRevision.number, PlanRevision.frozen, PlanRevision.submitted_at)
                .where(PlanRevision.plan_id == plan_id)
                .order_by(PlanRevision.number)
            )
        ]


def current_campaign_id(world, plan_id: int) -> int:
    with tenant_scope(world.agency.id):
        return db.session.scalar(
            select(Campaign.id)
            .join(PlanRevision, PlanRevision.id == Campaign.revision_id)
            .where(PlanRevision.plan_id == plan_id)
            .order_by(PlanRevision.number.desc())
            .limit(1)
        )


def request_changes(api, world, plan_id: int) -> None:
    """The consultant reviews the submitted revision and asks for changes."""
    consultant = api(world.tokens["consultant"])
    review = consultant.post(f"/api/v1/plans/{plan_id}/reviews")
    assert review.status_code == 201, review.get_json()
    review = review.get_json()
    for f in review["findings"]:
        resp = consultant.post(
            f"/api/v1/reviews/{review['id']}/findings/{f['id']}", json={"state": "accepted"}
        )
        assert resp.status_code == 200, resp.get_json()
    done = consultant.post(
        f"/api/v1/reviews/{review['id']}/complete", json={"verdict": "needs_changes"}
    )
    assert done.status_code == 200, done.get_json()


def import_calendar(client, plan_id: int, campaign_key: str):
    exported = client.get(f"/plans/{plan_id}/export/calendar.csv")
    assert exported.status_code == 200
    header = next(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    values = {
        "date": "2027-03-10",
        "network": "instagram",
        "format": "story",
        "pillar": "Education",
        "brief": "Behind the scenes",
        "status": "planned",
        "campaign_key": campaign_key,
    }
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerow([values.get(name, "") for name in header])
    return client.post(
        f"/plans/{plan_id}/import",
        data={"kind": "calendar", "file": (io.BytesIO(buf.getvalue().encode()), "cal.csv")},
        content_type="multipart/form-data",
    )


def test_a_review_cycle_makes_one_draft_and_the_plan_shows_revision_2(
    alpha, api, login_as, planned
):
    plan_id = planned["plan"]["id"]
    key = planned["plan"]["campaigns"][0]["key"]
    team = login_as(alpha.team)
    assert team.post(f"/plans/{plan_id}/transition", data={"to": "submitted"}).status_code == 302
    assert revisions(alpha, plan_id) == [(1, True, True)]
    request_changes(api, alpha, plan_id)

    page = main(team.get(f"/plans/{plan_id}"))
    assert "Your edits go into one draft, revision 2" in page
    # Resubmitting with nothing changed is refused: the cycle has no draft yet.
    team.post(f"/plans/{plan_id}/transition", data={"to": "submitted"})
    page = main(team.get(f"/plans/{plan_id}"))
    assert "the plan has no draft yet" in page
    before = counts(alpha.agency.id)["PlanRevision"]

    for budget in ("1600", "1700", "1800"):
        campaign_id = current_campaign_id(alpha, plan_id)
        resp = team.post(
            f"/plans/{plan_id}/campaigns/{campaign_id}/edit",
            data=CAMPAIGN_FORM | {"name": "Spring stories", "budget": budget},
        )
        assert resp.status_code == 302, main(resp)
    resp = import_calendar(team, plan_id, key)
    assert resp.status_code == 303, main(resp)

    assert counts(alpha.agency.id)["PlanRevision"] == before + 1  # one draft, not four
    assert revisions(alpha, plan_id) == [(1, True, True), (2, False, False)]
    page = main(team.get(f"/plans/{plan_id}"))
    assert "Draft of revision 2" in page and "Working draft" in page
    with tenant_scope(alpha.agency.id):
        draft = db.session.scalar(select(PlanRevision).where(PlanRevision.number == 2))
        budgets = [float(c.budget) for c in db.session.scalars(
            select(Campaign).where(Campaign.revision_id == draft.id)
        )]  # fmt: skip
        first = db.session.scalar(select(PlanRevision).where(PlanRevision.number == 1))
        first_budget = db.session.scalar(
            select(Campaign.budget).where(Campaign.revision_id == first.id)
        )
    assert budgets == [1800.0]  # the last edit, in the same draft
    assert float(first_budget) == 1500.0  # the submitted revision never changed

    assert team.post(f"/plans/{plan_id}/transition", data={"to": "submitted"}).status_code == 302
    assert revisions(alpha, plan_id) == [(1, True, True), (2, True, True)]
    page = main(team.get(f"/plans/{plan_id}"))
    assert "Revision 2" in page and "Draft of revision" not in page
    assert "Reviewed" in page  # revision 1, in the history

    compare = main(team.get(f"/plans/{plan_id}/compare"))
    assert "Revision 1 compared with Revision 2" in compare
    assert "Since the last review" in compare
    assert "1,500" in compare and "1,800" in compare
    assert "Content calendar: 0 items → 1 item" in compare

    # The review of the new cycle opens on the submitted revision 2.
    opened = api(alpha.tokens["consultant"]).post(f"/api/v1/plans/{plan_id}/reviews")
    assert opened.status_code == 201 and opened.get_json()["revision"] == 2


def test_the_draft_reads_the_same_in_arabic(alpha, api, login_as, planned):
    plan_id = planned["plan"]["id"]
    team = login_as(alpha.team)
    team.post(f"/plans/{plan_id}/transition", data={"to": "submitted"})
    request_changes(api, alpha, plan_id)
    team.post(
        f"/plans/{plan_id}/campaigns/{current_campaign_id(alpha, plan_id)}/edit",
        data=CAMPAIGN_FORM,
    )
    with tenant_scope(alpha.agency.id):
        db.session.execute(update(User).where(User.id == alpha.team.user_id).values(locale="ar"))
        db.session.commit()
    page = main(team.get(f"/plans/{plan_id}"))
    assert "مسودة الإصدار 2" in page and "مسودة العمل" in page
    assert "كل تعديل يُحدّث هذه المسودة" in page


def test_api_save_answers_201_when_it_starts_the_draft_then_200(alpha, api, planned):
    plan_id = planned["plan"]["id"]
    team = api(alpha.tokens["team"])
    assert (
        team.post(f"/api/v1/plans/{plan_id}/transitions", json={"to": "submitted"}).status_code
        == 200
    )
    request_changes(api, alpha, plan_id)
    key = planned["plan"]["campaigns"][0]["key"]
    first = team.post(f"/api/v1/plans/{plan_id}/revisions", json=body_for(planned, key, 2000))
    assert first.status_code == 201, first.get_json()
    revision = first.get_json()["revision"]
    assert (revision["number"], revision["frozen"], revision["submitted_at"]) == (2, False, None)
    again = team.post(f"/api/v1/plans/{plan_id}/revisions", json=body_for(planned, key, 2500))
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["revision"]["id"] == revision["id"]
    assert again.get_json()["campaigns"][0]["budget"] == 2500.0
    assert [r["number"] for r in team.get(f"/api/v1/plans/{plan_id}/revisions").get_json()[
        "data"
    ]] == [2, 1]  # fmt: skip

    assert (
        team.post(f"/api/v1/plans/{plan_id}/transitions", json={"to": "submitted"}).status_code
        == 200
    )
    submitted = team.get(f"/api/v1/plans/{plan_id}").get_json()["revision"]
    assert submitted["number"] == 2 and submitted["frozen"] is True
    assert submitted["submitted_at"] is not None
    with tenant_scope(alpha.agency.id):
        saves = db.session.scalars(
            select(AuditEvent.details)
            .where(AuditEvent.action == "plan.revision_saved")
            .order_by(AuditEvent.id)
        ).all()
    assert [(d["revision"], d["in_place"], d["draft"]) for d in saves[-2:]] == [
        (2, False, True),
        (2, True, True),
    ]


def body_for(planned, key: str, budget: int) -> dict:
    return {
        "campaigns": [
            campaign_body(planned["goal_id"], planned["audience_id"], key=key, budget=budget)
        ],
        "calendar": [],
    }


def test_the_save_endpoint_documents_201_and_200():
    from saas.api.base import OPERATIONS

    [op] = [o for o in OPERATIONS if o.path == "/plans/{plan_id}/revisions" and o.method == "post"]
    assert op.status == 201 and op.also == (200,)
    assert "starts a new revision" in op.summary and "updates the draft" in op.summary


def test_a_save_while_waiting_for_review_resubmits_frozen(alpha, api, planned):
    """What is submitted never changes, and the review opens on the latest revision."""
    plan_id = planned["plan"]["id"]
    team = api(alpha.tokens["team"])
    team.post(f"/api/v1/plans/{plan_id}/transitions", json={"to": "submitted"})
    key = planned["plan"]["campaigns"][0]["key"]
    resp = team.post(f"/api/v1/plans/{plan_id}/revisions", json=body_for(planned, key, 1900))
    assert resp.status_code == 201
    assert resp.get_json()["revision"]["frozen"] is True
    assert resp.get_json()["revision"]["submitted_at"] is not None
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Plan.status).where(Plan.id == plan_id)) == "submitted"


def test_compare_defaults_to_the_last_reviewed_revision(alpha, api, login_as, planned):
    """After approval of revision 2 the last reviewed revision before it is 1."""
    plan_id = planned["plan"]["id"]
    team = api(alpha.tokens["team"])
    team.post(f"/api/v1/plans/{plan_id}/transitions", json={"to": "submitted"})
    request_changes(api, alpha, plan_id)
    key = planned["plan"]["campaigns"][0]["key"]
    team.post(f"/api/v1/plans/{plan_id}/revisions", json=body_for(planned, key, 2000))
    team.post(f"/api/v1/plans/{plan_id}/transitions", json={"to": "submitted"})
    request_changes(api, alpha, plan_id)  # revision 2 reviewed too
    team.post(f"/api/v1/plans/{plan_id}/revisions", json=body_for(planned, key, 2100))
    client = login_as(alpha.team)
    page = main(client.get(f"/plans/{plan_id}/compare"))
    assert "Revision 2 compared with Draft of revision 3" in page
    show = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    with tenant_scope(alpha.agency.id):
        ids = dict(db.session.execute(select(PlanRevision.number, PlanRevision.id)).all())
    assert f'<option value="{ids[2]}" selected>' in show
    assert f'<option value="{ids[3]}" selected>' in show


# --- the migration's data step ----------------------------------------------------------------


@pytest.fixture(scope="module")
def migration():
    spec = importlib.util.spec_from_file_location("revision_cycles", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


T0 = datetime(2026, 11, 1, 9, 0)


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def test_migration_unfreezes_the_latest_unsubmitted_revision_of_a_reopened_plan(migration):
    """Plan 1 was reviewed at revision 1, then the old rule froze 2, 3 and 4 on every save:
    4 becomes the cycle's draft, 2 and 3 stay frozen, nothing is renumbered."""
    plan_rows = {1: ("changes_requested", at(1))}
    revision_rows = [
        (11, 1, 1, True, at(0)),
        (12, 1, 2, True, at(5)),
        (13, 1, 3, True, at(6)),
        (14, 1, 4, True, at(7)),
    ]
    submitted, unfreeze = migration.cycle_changes(plan_rows, revision_rows, {11}, [(1, at(1))])
    assert submitted == {11: at(1)}
    assert unfreeze == {14}


def test_migration_keeps_what_was_submitted_or_reviewed(migration):
    plan_rows = {
        # Resubmitted: revision 2 waits for its review (found in the audit trail).
        2: ("submitted", at(9)),
        # Approved at revision 2.
        3: ("approved", at(4)),
        # Never submitted: its working revision is a draft already.
        4: ("draft", None),
        # Changes requested on revision 2, which was saved while the plan was submitted
        # (frozen by the old rule, never submitted itself) and then reviewed.
        5: ("changes_requested", at(1)),
    }
    revision_rows = [
        (21, 2, 1, True, at(0)),
        (22, 2, 2, True, at(8)),
        (31, 3, 1, True, at(0)),
        (32, 3, 2, True, at(3)),
        (41, 4, 1, False, at(0)),
        (51, 5, 1, True, at(0)),
        (52, 5, 2, True, at(2)),
    ]
    events = [(2, at(1)), (2, at(9)), (3, at(1)), (3, at(4)), (5, at(1))]
    submitted, unfreeze = migration.cycle_changes(
        plan_rows, revision_rows, {21, 31, 32, 52}, events
    )
    assert submitted == {21: at(1), 22: at(9), 31: at(1), 32: at(4), 51: at(1)}
    assert unfreeze == set()


def test_migration_uses_the_plans_own_submission_when_the_audit_rows_are_gone(migration):
    plan_rows = {6: ("changes_requested", at(2))}
    revision_rows = [(61, 6, 1, True, at(0)), (62, 6, 2, True, at(5))]
    submitted, unfreeze = migration.cycle_changes(plan_rows, revision_rows, {61}, [])
    assert submitted == {61: at(2)}
    assert unfreeze == {62}


def test_migration_upgrade_and_downgrade_on_a_database(tmp_path, app, migration):
    """Revisions of 0004's rule (every save after submission froze one) get their cycle's
    draft and submission times from 0005; downgrading restores the old rule."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from saas import create_app

    config = {**app.config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"}
    old = create_app(config)
    directory = str(MIGRATION.parents[1])
    common = {"agency_id": 1, "brand_id": 1, "title": "P"}
    period = {"period_start": date(2027, 1, 1), "period_end": date(2027, 3, 31)}
    plans = sa.table(
        "plans",
        *(sa.column(c) for c in ("id", "agency_id", "brand_id", "title", "status")),
        *(sa.column(c, sa.Date) for c in ("period_start", "period_end")),
        *(sa.column(c, sa.DateTime) for c in ("submitted_at", "created_at", "updated_at")),
        sa.column("reminders_sent"),
    )
    revisions = sa.table(
        "plan_revisions",
        *(sa.column(c) for c in ("id", "agency_id", "brand_id", "plan_id", "number", "title")),
        *(sa.column(c, sa.Date) for c in ("period_start", "period_end")),
        sa.column("frozen", sa.Boolean),
        sa.column("created_at", sa.DateTime),
    )
    reviews = sa.table(
        "reviews",
        *(sa.column(c) for c in ("id", "agency_id", "brand_id", "plan_id", "revision_id")),
        *(sa.column(c) for c in ("status", "score", "engine_verdict")),
        *(sa.column(c, sa.JSON) for c in ("coverage", "campaign_scores", "goal_scores")),
        sa.column("created_at", sa.DateTime),
    )
    with old.app_context():
        upgrade(directory=directory, revision="0004_sessions_and_account_mail")
        engine = db.engine
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # no agencies or brands here
            stamps = {"created_at": at(0), "updated_at": at(0), "reminders_sent": 0}
            for row in (
                {"id": 1, "status": "changes_requested", "submitted_at": at(1)},
                {"id": 2, "status": "draft", "submitted_at": None},
            ):
                conn.execute(plans.insert().values(**row, **common, **period, **stamps))
            for rid, pid, number, frozen, hours in (
                (11, 1, 1, True, 0),
                (12, 1, 2, True, 24),
                (13, 1, 3, True, 48),
                (21, 2, 1, False, 0),
            ):
                conn.execute(
                    revisions.insert().values(
                        id=rid,
                        plan_id=pid,
                        number=number,
                        frozen=frozen,
                        created_at=at(hours),
                        **common,
                        **period,
                    )
                )
            conn.execute(
                reviews.insert().values(
                    id=1,
                    agency_id=1,
                    brand_id=1,
                    plan_id=1,
                    revision_id=11,
                    status="completed",
                    score=50,
                    engine_verdict="needs_changes",
                    coverage={},
                    campaign_scores={},
                    goal_scores={},
                    created_at=at(2),
                )
            )

        def rows() -> list[tuple[int, bool, datetime | None]]:
            with engine.connect() as conn:
                table = migration.revisions
                return [
                    (i, bool(f), s)
                    for i, f, s in conn.execute(
                        sa.select(table.c.id, table.c.frozen, table.c.submitted_at).order_by(
                            table.c.id
                        )
                    )
                ]

        upgrade(directory=directory, revision="0005_revision_cycles")
        assert rows() == [
            (11, True, at(1)),  # submitted (the plan's own submitted_at), reviewed
            (12, True, None),  # frozen by the old rule, kept as it was
            (13, False, None),  # the cycle's working draft now
            (21, False, None),  # a never-submitted plan's draft, untouched
        ]
        downgrade(directory=directory, revision="0004_sessions_and_account_mail")
        with engine.connect() as conn:
            frozen = dict(conn.execute(sa.select(revisions.c.id, revisions.c.frozen)).all())
        assert frozen == {11: True, 12: True, 13: True, 21: False}
        engine.dispose()


def test_a_csv_import_starts_the_cycles_draft_and_the_next_one_updates_it(alpha, login_as):
    from tests.calendar.conftest import make_plan

    world = make_plan(alpha, status="changes_requested")
    client = login_as(alpha.team)
    data = client.get(f"/plans/{world.plan_id}/export/campaigns.csv").data
    for _ in range(2):
        resp = client.post(
            f"/plans/{world.plan_id}/import",
            data={"kind": "campaigns", "file": (io.BytesIO(data), "plan.csv")},
            content_type="multipart/form-data",
        )
        assert resp.status_code == 303, main(resp)
    assert revisions(alpha, world.plan_id) == [(1, True, False), (2, False, False)]
