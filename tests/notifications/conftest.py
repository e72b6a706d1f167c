"""Helpers for the notification tests: plans to submit, delivered mail with its headers."""

from __future__ import annotations

import email
import re
from datetime import date
from email import policy
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from saas.extensions import db
from saas.models import Membership, NotificationPreference, Plan, PlanRevision, User
from saas.services import mail, plans
from tenants.context import system_scope, tenant_scope
from tests.conftest import wait_for_jobs

UNSUBSCRIBE = re.compile(
    r"http://tandem\.test(/settings/notifications/unsubscribe/[A-Za-z0-9._-]+)"
)


def draft_plan(world, brand=None, *, title: str = "Ramadan launch", reviewer=None) -> int:
    """A draft plan (with its working revision) of ``brand``, written by the client team."""
    brand = brand or world.brand
    with tenant_scope(world.agency.id):
        plan = Plan(
            brand_id=brand.id,
            title=title,
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
            status="draft",
            reviewer_membership_id=reviewer.id if reviewer is not None else None,
            created_by_id=world.team.user_id,
        )
        db.session.add(plan)
        db.session.flush()
        db.session.add(
            PlanRevision(
                brand_id=brand.id,
                plan_id=plan.id,
                number=1,
                title=title,
                period_start=plan.period_start,
                period_end=plan.period_end,
                author_id=world.team.user_id,
            )
        )
        db.session.commit()
        return plan.id


def submit(world, plan_id: int, membership: Membership | None = None) -> None:
    """Submit the plan through the workflow, as the client team unless told otherwise."""
    membership = membership or world.team
    with tenant_scope(world.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.id == plan_id))
        plans.transition(plan, "submitted", membership)
        db.session.commit()


def delivered(to: str | None = None) -> list[EmailMessage]:
    """What the transport delivered (``MAIL_FILE_DIR``), headers and all, oldest first.

    With a real worker (PostgreSQL + Redis) the queue is drained first: delivery is async."""
    wait_for_jobs(current_app, expire=False)  # files only: nothing to read again
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    found = [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"))
    ]
    return [m for m in found if to is None or str(m["To"]) == to]


def raw_delivered(to: str) -> list[bytes]:
    """The delivered files as bytes: the headers exactly as a mail client receives them."""
    wait_for_jobs(current_app, expire=False)  # files only: nothing to read again
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    raw = [p.read_bytes() for p in sorted(folder.glob("*.eml"))]
    return [r for r in raw if f"\nTo: {to}\n".encode() in r.replace(b"\r\n", b"\n")]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def unsubscribe_path(message: EmailMessage) -> str:
    found = UNSUBSCRIBE.search(text_of(message))
    assert found, "no unsubscribe link in the email"
    return found.group(1)


def set_locale(membership: Membership, locale: str | None) -> None:
    with system_scope():
        db.session.scalar(select(User).where(User.id == membership.user_id)).locale = locale
        db.session.commit()


def turn_off(user_id: int, kind: str) -> None:
    with system_scope():
        db.session.add(NotificationPreference(user_id=user_id, kind=kind, enabled=False))
        db.session.commit()


def wants(user_id: int, kind: str) -> bool:
    with system_scope():
        return mail.wants(user_id, kind)
