"""Do jobs start only after the data they need is committed, and in their own tenant scope?"""

from __future__ import annotations

import json

from sqlalchemy import func, select

from saas.extensions import db
from saas.models import Brand, OutboxMessage
from saas.services import mail
from tenants.context import system_scope, tenant_scope
from worker.queue import enqueue_after_commit


def test_job_is_not_enqueued_when_the_transaction_rolls_back(db_app, alpha, tmp_path, run_jobs):
    marker = tmp_path / "ran"
    with tenant_scope(alpha.agency.id):
        alpha_brand = db.session.scalar(select(Brand).where(Brand.id == alpha.brand.id))
        alpha_brand.industry = "Changed, then rolled back"
        enqueue_after_commit(db.session, "tests.jobs.helpers.touch", str(marker))
        db.session.rollback()
        db.session.commit()  # a later commit must not carry the dropped job along
    run_jobs()
    assert not marker.exists()

    enqueue_after_commit(db.session, "tests.jobs.helpers.touch", str(marker))
    db.session.commit()
    run_jobs()
    assert marker.read_text() == "ran"


def test_job_queued_before_any_sql_is_dropped_by_a_rollback(db_app, tmp_path, run_jobs):
    marker = tmp_path / "ran"
    enqueue_after_commit(db.session, "tests.jobs.helpers.touch", str(marker))
    db.session.rollback()
    db.session.commit()  # a later commit must not carry the dropped job along
    run_jobs()
    assert not marker.exists()

    enqueue_after_commit(db.session, "tests.jobs.helpers.touch", str(marker))
    db.session.commit()
    run_jobs()
    assert marker.read_text() == "ran"


def test_email_queued_in_a_rolled_back_transaction_is_neither_kept_nor_sent(
    db_app, alpha, run_jobs
):
    with db_app.test_request_context("/"), tenant_scope(alpha.agency.id):
        mail.queue_email(to="x@example.test", template="welcome", name="A", agency_name="B")
        db.session.rollback()
        db.session.commit()
    run_jobs()
    with system_scope():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_job_does_not_inherit_the_scope_it_was_enqueued_in(db_app, bravo, tmp_path, run_jobs):
    out = tmp_path / "outcome"
    with tenant_scope(bravo.agency.id):
        enqueue_after_commit(db.session, "tests.jobs.helpers.unscoped_read", str(out))
        db.session.commit()
    run_jobs()
    assert out.read_text() == "refused"


def test_job_reads_only_its_own_agencys_rows(db_app, alpha, bravo, tmp_path, run_jobs):
    out = tmp_path / "seen.json"
    enqueue_after_commit(
        db.session, "tests.jobs.helpers.visible_brands", alpha.agency.id, bravo.brand.id, str(out)
    )
    db.session.commit()
    run_jobs()
    assert json.loads(out.read_text()) == {
        "names": ["Alpha Brand One", "Alpha Brand Two"],
        "foreign_found": False,
    }


def test_job_without_a_tenant_scope_is_refused(db_app, two_agencies, tmp_path, run_jobs):
    out = tmp_path / "outcome"
    enqueue_after_commit(db.session, "tests.jobs.helpers.unscoped_read", str(out))
    db.session.commit()
    run_jobs()
    assert out.read_text() == "refused"
