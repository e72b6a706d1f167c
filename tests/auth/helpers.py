"""Shared helpers for the account tests: the outbox, links in emails, audit rows."""

from __future__ import annotations

import re

from sqlalchemy import select

from saas.extensions import db
from saas.models import AuditEvent, OneTimeToken, OutboxMessage
from tenants.context import system_scope
from tests.mailbox import Delivered, inbox

RESET_LINK = re.compile(r"http://tandem\.test(/password/reset/[A-Za-z0-9_-]+)")
MAGIC_LINK = re.compile(r"http://tandem\.test(/login/link/[A-Za-z0-9_-]+(?:\?next=[^\s\"]+)?)")


def outbox(to: str | None = None, kind: str | None = None) -> list[OutboxMessage]:
    with system_scope():
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if to is not None:
            stmt = stmt.where(OutboxMessage.to_email == to)
        if kind is not None:
            stmt = stmt.where(OutboxMessage.kind == kind)
        return list(db.session.scalars(stmt))


def delivered_link(to: str, pattern: re.Pattern[str]) -> str:
    """The path of the newest link matching ``pattern`` in mail delivered to ``to``: account
    mail keeps its link only in the delivered email, never in the outbox."""
    for message in reversed(inbox(to, wait_for=1)):
        if pattern.search(message.text):
            return link_in(message, pattern)
    raise AssertionError(f"no link like {pattern.pattern} delivered to {to}")


def link_in(message: OutboxMessage | Delivered, pattern: re.Pattern[str]) -> str:
    """The path of the link in an email (checked in the HTML part too, when there is one)."""
    found = pattern.search(message.body_text)
    assert found, f"no link in: {message.body_text}"
    if message.body_html:
        assert found.group(0) in message.body_html
    return found.group(1)


def audit_actions(agency_id: int) -> list[str]:
    with system_scope():
        return list(
            db.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.agency_id == agency_id)
                .order_by(AuditEvent.id)
            )
        )


def tokens_of(user_id: int, purpose: str) -> list[OneTimeToken]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OneTimeToken)
            .where(OneTimeToken.user_id == user_id, OneTimeToken.purpose == purpose)
            .order_by(OneTimeToken.id)
        )
    )
