"""Deleting the agency: asked for by an owner who types its name, read-only with a banner
during the grace period, restorable in one click, then purged by a job: Stripe first, then
every row and file of the agency, and nothing of another agency."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

import saas.models  # noqa: F401
from saas.extensions import db
from saas.models import AgencyBilling, AuditEvent, User
from saas.models.exports import Export
from saas.services import agency_deletion
from tenants.context import system_scope, tenant_scope
from tenants.models import Agency, Brand, utcnow
from tenants.scoping import TenantScoped
from tests.billing import stripe_double as sd
from tests.billing._stripe import billing_on, customer_of, stripe_double  # noqa: F401
from tests.factories import member
from tests.mailbox import inbox

GRACE = timedelta(days=14)


def _tenant_models() -> list[type]:
    return sorted(
        (m.class_ for m in db.Model.registry.mappers if issubclass(m.class_, TenantScoped)),
        key=lambda c: c.__tablename__,
    )


def _rows_of(agency_id: int) -> dict[str, int]:
    with system_scope():
        counts = {
            m.__tablename__: int(
                db.session.scalar(
                    select(func.count()).select_from(m).where(m.agency_id == agency_id)
                )
                or 0
            )
            for m in _tenant_models()
        }
        counts["agencies"] = int(
            db.session.scalar(select(func.count(Agency.id)).where(Agency.id == agency_id)) or 0
        )
    return counts


def _folders(app, agency_id: int) -> list[Path]:
    return [
        Path(app.config[k]) / str(agency_id) for k in ("UPLOAD_DIR", "REPORTS_DIR", "EXPORTS_DIR")
    ]


def _schedule(api, world) -> dict:
    resp = api(world.tokens["owner"]).post(
        "/api/v1/agency/deletion", json={"confirm_name": world.agency.name}
    )
    assert resp.status_code == 202, resp.get_json()
    return resp.get_json()


def _purge_due(run_jobs, now) -> int:
    count = agency_deletion.enqueue_due(now=now)
    run_jobs(90)
    db.session.expire_all()
    return count


def test_owner_schedules_members_see_the_banner_and_writes_wait(
    api, client, login_as, alpha, bravo, db_app, run_jobs
):
    consultant = alpha.consultant.user  # a user row: readable after the jobs' expire_all
    url = "/api/v1/agency/deletion"
    assert (
        api(alpha.tokens["consultant"]).post(url, json={"confirm_name": "Alpha Agency"}).status_code
        == 403
    )
    wrong = api(alpha.tokens["owner"]).post(url, json={"confirm_name": "Alpha"})
    assert wrong.status_code == 422
    assert "confirm_name" in wrong.get_json()["error"]["fields"]
    assert api(alpha.tokens["owner"]).get(url).get_json()["scheduled"] is False

    before = utcnow()
    body = _schedule(api, alpha)
    assert body["scheduled"] is True and body["requested_by"] == "Alpha Owner"
    with system_scope():
        agency = db.session.scalar(select(Agency).where(Agency.id == alpha.agency.id))
        due = agency.deletion_due_at
    assert GRACE - timedelta(minutes=1) < due - before < GRACE + timedelta(minutes=1)
    again = api(alpha.tokens["owner"]).post(url, json={"confirm_name": "Alpha Agency"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "deletion_scheduled"

    run_jobs(90)
    notice = inbox("owner@alpha.test", wait_for=1)[-1]
    assert "Alpha Agency will be deleted on" in notice.subject
    assert "Alpha Owner asked for the deletion" in notice.text
    assert "/settings/agency/deletion" in notice.text
    assert inbox("consultant@alpha.test") == []  # owners are told, by email

    # Read-only: writes refused with the reason; reading and exporting go on.
    create = api(alpha.tokens["consultant"]).post("/api/v1/brands", json={"name": "New"})
    assert create.status_code == 409
    assert create.get_json()["error"]["code"] == "agency_deletion_pending"
    assert api(alpha.tokens["consultant"]).get("/api/v1/brands").status_code == 200
    assert api(alpha.tokens["owner"]).post("/api/v1/exports").status_code == 202
    assert (
        api(bravo.tokens["owner"]).post("/api/v1/brands", json={"name": "Bravo New"}).status_code
        == 201
    )

    login_as(consultant)
    html = client.get("/").get_data(as_text=True)
    assert "Scheduled for deletion" in html and "Alpha Owner asked for this agency" in html
    assert "if this is a mistake" in html and "Restore the agency" not in html
    refused = client.post(f"/brands/{alpha.brand.id}/edit", data={"name": "Changed"})
    assert refused.status_code == 409
    assert "scheduled for deletion" in refused.get_data(as_text=True)


def test_restore_in_one_click_then_ask_again_and_a_stale_job_does_nothing(
    client, login_as, api, alpha, db_app, run_jobs
):
    login_as(alpha.owner)
    page = client.get("/settings/agency/deletion")
    assert page.status_code == 200 and "Delete the agency" in page.get_data(as_text=True)
    wrong = client.post("/settings/agency/deletion", data={"confirm_name": "Alpha Agencyy"})
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert "Type the agency&#39;s name exactly as shown to confirm." in html
    assert 'value="Alpha Agencyy"' in html
    assert (
        client.post("/settings/agency/deletion", data={"confirm_name": "Alpha Agency"}).status_code
        == 303
    )
    html = client.get("/settings/agency/deletion").get_data(as_text=True)
    assert "Restore the agency" in html and "Alpha Owner asked for it" in html
    with system_scope():
        first_due = db.session.scalar(
            select(Agency.deletion_due_at).where(Agency.id == alpha.agency.id)
        )

    assert client.post("/settings/agency/deletion/restore", data={}).status_code == 303
    assert (
        api(alpha.tokens["owner"]).get("/api/v1/agency/deletion").get_json()["scheduled"] is False
    )
    with tenant_scope(alpha.agency.id):
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["agency.deletion_requested", "agency.deletion_cancelled"]
    # Restored: the purge of the first schedule, and a due run, delete nothing.
    assert agency_deletion.purge(alpha.agency.id, first_due.isoformat()) is False
    assert _purge_due(run_jobs, utcnow() + GRACE + timedelta(days=1)) == 0
    assert _rows_of(alpha.agency.id)["agencies"] == 1

    second = _schedule(api, alpha)  # asked again over the API
    assert second["scheduled"] is True
    assert agency_deletion.purge(alpha.agency.id, first_due.isoformat()) is False  # stale
    assert _rows_of(alpha.agency.id)["agencies"] == 1
    restored = api(alpha.tokens["owner"]).delete("/api/v1/agency/deletion")
    assert restored.status_code == 200 and restored.get_json()["scheduled"] is False
    again = api(alpha.tokens["owner"]).delete("/api/v1/agency/deletion")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "not_scheduled"


def test_the_grace_period_ends_and_the_queue_purges_the_agency_only(
    api, alpha, bravo, seeded, db_app, run_jobs
):
    """Runs through the real queue (a ``python -m worker`` process on PostgreSQL + Redis)."""
    alpha_id, bravo_id = alpha.agency.id, bravo.agency.id
    owner_id, consultant_id = alpha.owner.user_id, alpha.consultant.user_id
    owner_token = alpha.tokens["owner"]
    # Alpha's consultant also works for Bravo: kept (their Bravo membership too).
    member(bravo.agency, "consultant", alpha.consultant.user)
    db.session.commit()
    export_id = api(alpha.tokens["owner"]).post("/api/v1/exports").get_json()["id"]
    run_jobs(90)
    bravo_export = api(bravo.tokens["owner"]).post("/api/v1/exports").get_json()["id"]
    assert all(f.is_dir() for f in _folders(db_app, alpha_id))
    bravo_before = _rows_of(bravo_id)
    _schedule(api, alpha)

    assert _purge_due(run_jobs, utcnow() + GRACE - timedelta(hours=1)) == 0  # not yet
    assert _rows_of(alpha_id)["agencies"] == 1
    assert _purge_due(run_jobs, utcnow() + GRACE + timedelta(minutes=5)) == 1

    gone = _rows_of(alpha_id)
    assert set(gone.values()) == {0}, {k: v for k, v in gone.items() if v}
    assert not any(f.exists() for f in _folders(db_app, alpha_id))
    with system_scope():
        owner = db.session.scalar(select(User).where(User.id == owner_id))
        assert owner.email.endswith("@deleted.invalid") and owner.password_hash is None
        kept = db.session.scalar(select(User).where(User.id == consultant_id))
        assert kept.email == "consultant@alpha.test" and kept.password_hash
    # Bravo untouched: every row and file, and it cannot reach what Alpha had.
    bravo_after = _rows_of(bravo_id)
    assert bravo_after == bravo_before, "the purge touched another agency"
    assert all(f.is_dir() for f in _folders(db_app, bravo_id))
    bravo_api = api(bravo.tokens["owner"])
    assert bravo_api.get(f"/api/v1/exports/{export_id}").status_code == 404
    assert bravo_api.get(f"/api/v1/exports/{export_id}/download").status_code == 404
    assert bravo_api.get(f"/api/v1/exports/{bravo_export}").status_code == 200
    assert api(owner_token).get("/api/v1/me").status_code == 401  # tokens gone
    done = inbox("owner@alpha.test", wait_for=2)
    assert any("Alpha Agency was deleted" in m.subject for m in done)

    # A second run (the job again, or the periodic task) is harmless.
    assert agency_deletion.purge(alpha_id, "2027-01-01T00:00:00") is False
    assert _purge_due(run_jobs, utcnow() + GRACE * 3) == 0
    assert _rows_of(bravo_id)["agencies"] == 1


class _Recorder:
    """The Stripe double answering a subscription's cancellation (its recorded shape), and
    noting whether the agency still existed when Stripe was asked."""

    def __init__(self, double: sd.StripeDouble, engine, agency_id: int):
        self.double = double
        self.engine = engine
        self.agency_id = agency_id
        self.agency_existed: list[bool] = []
        self._answer = double._answer
        double._answer = self.answer

    def answer(self, method, path, params, headers):
        if method == "DELETE" and path.startswith("/v1/subscriptions/"):
            with self.engine.connect() as conn:
                table = Agency.__table__
                found = conn.execute(
                    select(func.count()).select_from(table).where(table.c.id == self.agency_id)
                ).scalar()
            self.agency_existed.append(bool(found))
            sub = self.double.subscriptions.get(path.rsplit("/", 1)[1])
            if sub is None:
                return self.double._error(404, "No such subscription")
            sub.update(status="canceled", canceled_at=1, ended_at=1)
            return self.double._json(sub)
        return self._answer(method, path, params, headers)


@pytest.fixture
def subscribed(billing_on, alpha):  # noqa: F811
    sub = sd.subscription(customer="cus_pending", price="price_starter_month")
    customer = customer_of(alpha, billing_on, subscription_id=sub["id"])
    sub["customer"] = customer
    billing_on.subscriptions[sub["id"]] = sub
    return billing_on, sub["id"]


def test_the_purge_cancels_the_stripe_subscription_first(
    api, alpha, bravo, subscribed, db_app, run_jobs
):
    double, sub_id = subscribed
    alpha_id, bravo_id = alpha.agency.id, bravo.agency.id
    recorder = _Recorder(double, db.engine, alpha_id)
    _schedule(api, alpha)
    assert _purge_due(run_jobs, utcnow() + GRACE + timedelta(minutes=1)) == 1
    assert len(double.calls_to("DELETE", f"/v1/subscriptions/{sub_id}")) == 1
    assert recorder.agency_existed == [True]  # Stripe was asked before anything was deleted
    assert _rows_of(alpha_id)["agencies"] == 0
    assert _rows_of(bravo_id)["agencies"] == 1


def test_stripe_refusing_stops_the_purge_before_anything_is_deleted(
    api, alpha, subscribed, db_app, run_jobs
):
    double, sub_id = subscribed
    alpha_id = alpha.agency.id
    _schedule(api, alpha)
    with system_scope():
        due = db.session.scalar(select(Agency.deletion_due_at).where(Agency.id == alpha_id))
    db.session.remove()
    double.down = True
    with pytest.raises(Exception, match="Stripe could not be reached"):
        agency_deletion.purge(alpha_id, due.isoformat())
    db.session.remove()
    assert _rows_of(alpha_id)["brands"] == 2
    with tenant_scope(alpha_id):
        assert db.session.scalar(select(AgencyBilling.stripe_subscription_id)) == sub_id
        assert db.session.scalar(select(func.count(Brand.id))) == 2
    double.down = False
    assert agency_deletion.purge(alpha_id, due.isoformat()) is True
    assert _rows_of(alpha_id)["agencies"] == 0
    with system_scope():
        assert db.session.scalar(select(func.count(Export.id))) == 0


def test_members_can_still_secure_their_own_account_while_deletion_waits(
    api, client, login_as, alpha
):
    """Read-only is for the agency's data, not the person's account: an agency requiring
    two-factor sign-in would otherwise lock out a member who has not set it up."""
    _schedule(api, alpha)
    login_as(alpha.consultant.user)
    started = client.post("/settings/two-factor/start")
    assert started.status_code == 303, started.status_code
    setup = client.get("/settings/two-factor").get_data(as_text=True)
    assert "<svg" in setup  # the QR code of the secret just made
    refused = client.post(f"/brands/{alpha.brand.id}/edit", data={"name": "Changed"})
    assert refused.status_code == 409
    assert GRACE.days == 14
    due = (utcnow() + GRACE).strftime("%B")  # the date in words, as the banner says it
    assert due in refused.get_data(as_text=True)
