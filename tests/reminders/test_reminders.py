"""Does a plan left waiting for review remind the right people, once each, in their language?"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import AuditEvent, OutboxMessage, Plan, PlanRevision, Review, User
from saas.services import reminders
from tenants.context import system_scope, tenant_scope
from tenants.models import utcnow
from worker.queue import enqueue_after_commit

NOW = utcnow().replace(microsecond=0)


def waiting_plan(world, *, days_ago: float, status: str = "submitted", reviewer=None, **kw) -> int:
    """A plan of ``world.brand`` submitted ``days_ago`` days before NOW."""
    with tenant_scope(world.agency.id):
        plan = Plan(
            brand_id=world.brand.id,
            title=kw.pop("title", "Ramadan launch"),
            period_start=date(2026, 1, 1),
            period_end=date(2026, 3, 31),
            status=status,
            submitted_at=NOW - timedelta(days=days_ago),
            reviewer_membership_id=reviewer.id if reviewer is not None else None,
            created_by_id=world.team.user_id,
            **kw,
        )
        db.session.add(plan)
        db.session.commit()
        return plan.id


def open_review(world, plan_id: int, status: str = "open") -> None:
    with tenant_scope(world.agency.id):
        revision = PlanRevision(
            brand_id=world.brand.id,
            plan_id=plan_id,
            number=1,
            title="Ramadan launch",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 3, 31),
            frozen=True,
        )
        db.session.add(revision)
        db.session.flush()
        db.session.add(
            Review(
                brand_id=world.brand.id,
                plan_id=plan_id,
                revision_id=revision.id,
                status=status,
                engine_verdict="needs_changes",
            )
        )
        db.session.commit()


def outbox(world, run_jobs) -> list[OutboxMessage]:
    run_jobs()
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return list(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "review_reminder")
                .order_by(OutboxMessage.id)
            )
        )


def reminders_sent(world, plan_id: int) -> int:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return db.session.scalar(select(Plan.reminders_sent).where(Plan.id == plan_id))


def set_locale(membership, locale: str) -> None:
    with system_scope():
        db.session.scalar(select(User).where(User.id == membership.user_id)).locale = locale
        db.session.commit()


def test_nothing_is_sent_before_the_agency_deadline(alpha, run_jobs):
    waiting_plan(alpha, days_ago=2.9)  # the agency waits 3 days (the default)

    assert reminders.send_due_reminders(NOW) == 0
    assert outbox(alpha, run_jobs) == []


def test_consultant_is_reminded_after_the_agency_deadline(alpha, run_jobs):
    plan_id = waiting_plan(alpha, days_ago=3.1)

    assert reminders.send_due_reminders(NOW) == 1

    [message] = outbox(alpha, run_jobs)
    assert message.to_email == "consultant@alpha.test"
    assert "Ramadan launch" in message.subject
    assert "Alpha Brand One" in message.body_text
    assert "3 days" in message.body_text
    assert reminders_sent(alpha, plan_id) == 1


def test_named_reviewer_is_reminded_instead_of_every_consultant(alpha, run_jobs):
    from tests.factories import member, user

    other = member(alpha.agency, "consultant", user("second@alpha.test"), brands=[alpha.brand])
    db.session.commit()
    waiting_plan(alpha, days_ago=4, reviewer=other)

    reminders.send_due_reminders(NOW)

    assert [m.to_email for m in outbox(alpha, run_jobs)] == ["second@alpha.test"]


def test_every_consultant_of_the_brand_is_reminded_when_nobody_is_named(alpha, run_jobs):
    from tests.factories import member, user

    member(alpha.agency, "consultant", user("second@alpha.test"), brands=[alpha.brand])
    member(alpha.agency, "consultant", user("elsewhere@alpha.test"), brands=[alpha.other_brand])
    db.session.commit()
    waiting_plan(alpha, days_ago=4)

    reminders.send_due_reminders(NOW)

    assert sorted(m.to_email for m in outbox(alpha, run_jobs)) == [
        "consultant@alpha.test",
        "second@alpha.test",
    ]


def test_owner_is_reminded_after_twice_the_deadline(alpha, run_jobs):
    plan_id = waiting_plan(alpha, days_ago=4)
    reminders.send_due_reminders(NOW)  # the consultant, on day 4
    assert reminders_sent(alpha, plan_id) == 1

    assert reminders.send_due_reminders(NOW + timedelta(days=1)) == 0  # day 5: nothing new
    assert reminders.send_due_reminders(NOW + timedelta(days=2, hours=1)) == 1  # day 6+

    messages = outbox(alpha, run_jobs)
    assert [m.to_email for m in messages] == ["consultant@alpha.test", "owner@alpha.test"]
    assert "consultant has already been reminded" in messages[1].body_text
    assert reminders_sent(alpha, plan_id) == 2


def test_a_plan_found_late_reminds_consultant_and_owner_at_once(alpha, run_jobs):
    waiting_plan(alpha, days_ago=10)

    assert reminders.send_due_reminders(NOW) == 2

    assert [m.to_email for m in outbox(alpha, run_jobs)] == [
        "consultant@alpha.test",
        "owner@alpha.test",
    ]


def test_reminders_are_never_sent_twice(alpha, run_jobs):
    waiting_plan(alpha, days_ago=10)
    reminders.send_due_reminders(NOW)

    for hours in (1, 2, 24, 24 * 30):
        assert reminders.send_due_reminders(NOW + timedelta(hours=hours)) == 0
    assert len(outbox(alpha, run_jobs)) == 2


def test_resubmission_starts_the_clock_again(alpha, run_jobs):
    plan_id = waiting_plan(alpha, days_ago=10)
    reminders.send_due_reminders(NOW)
    assert reminders_sent(alpha, plan_id) == 2

    # Changes were requested, a new revision was saved and submitted a day later.
    resubmitted = NOW + timedelta(days=1)
    with tenant_scope(alpha.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.id == plan_id))
        plan.status, plan.submitted_at = "submitted", resubmitted
        db.session.commit()

    assert reminders.send_due_reminders(resubmitted + timedelta(days=2)) == 0
    assert reminders.send_due_reminders(resubmitted + timedelta(days=3, hours=1)) == 1
    assert reminders_sent(alpha, plan_id) == 1
    assert [m.to_email for m in outbox(alpha, run_jobs)][-1] == "consultant@alpha.test"
    assert len(outbox(alpha, run_jobs)) == 3


def test_the_agency_setting_decides_the_deadline(alpha, bravo, run_jobs):
    with tenant_scope(alpha.agency.id):
        alpha.agency.review_reminder_days = 1
        db.session.commit()
    waiting_plan(alpha, days_ago=1.5)
    waiting_plan(bravo, days_ago=1.5)  # Bravo keeps the default of 3 days

    assert reminders.send_due_reminders(NOW) == 1
    assert [m.to_email for m in outbox(alpha, run_jobs)] == ["consultant@alpha.test"]
    assert outbox(bravo, run_jobs) == []


def test_in_review_plans_are_reminded_only_while_the_review_is_open(alpha, run_jobs):
    reviewing = waiting_plan(alpha, days_ago=4, status="in_review", title="Open review")
    open_review(alpha, reviewing)
    done = waiting_plan(alpha, days_ago=4, status="in_review", title="Review finished")
    open_review(alpha, done, status="completed")

    assert reminders.send_due_reminders(NOW) == 1
    [message] = outbox(alpha, run_jobs)
    assert "Open review" in message.subject
    assert reminders_sent(alpha, done) == 0


@pytest.mark.parametrize("status", ["draft", "changes_requested", "approved", "archived"])
def test_plans_not_waiting_for_review_are_left_alone(alpha, run_jobs, status):
    waiting_plan(alpha, days_ago=30, status=status)

    assert reminders.send_due_reminders(NOW) == 0
    assert outbox(alpha, run_jobs) == []


def test_each_agency_reminds_only_its_own_people(alpha, bravo, run_jobs):
    waiting_plan(alpha, days_ago=10)
    waiting_plan(bravo, days_ago=10)

    assert reminders.send_due_reminders(NOW) == 4

    assert {m.to_email for m in outbox(alpha, run_jobs)} == {
        "consultant@alpha.test",
        "owner@alpha.test",
    }
    assert {m.to_email for m in outbox(bravo, run_jobs)} == {
        "consultant@bravo.test",
        "owner@bravo.test",
    }


def test_reminders_are_written_in_each_recipients_language(alpha, run_jobs):
    set_locale(alpha.consultant, "ar")
    set_locale(alpha.owner, "en")
    waiting_plan(alpha, days_ago=10)

    reminders.send_due_reminders(NOW)

    by_person = {m.to_email: m for m in outbox(alpha, run_jobs)}
    arabic, english = by_person["consultant@alpha.test"], by_person["owner@alpha.test"]
    assert (arabic.locale, english.locale) == ("ar", "en")
    assert 'dir="rtl"' in arabic.body_html
    assert 'dir="ltr"' in english.body_html
    assert "Open the plan" in english.body_text
    assert "Ramadan launch" in arabic.subject


def test_each_reminder_is_in_the_audit_log(alpha, run_jobs):
    plan_id = waiting_plan(alpha, days_ago=10)
    reminders.send_due_reminders(NOW)

    with tenant_scope(alpha.agency.id):
        events = list(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "plan.review_reminder_sent")
                .order_by(AuditEvent.id)
            )
        )
    assert [(e.object_id, e.details["stage"]) for e in events] == [(plan_id, 1), (plan_id, 2)]


def test_the_worker_job_sends_due_reminders(alpha, run_jobs):
    waiting_plan(alpha, days_ago=4)

    enqueue_after_commit(db.session, "worker.jobs.reminders.run_reminders")
    db.session.commit()

    assert [m.to_email for m in outbox(alpha, run_jobs)] == ["consultant@alpha.test"]
