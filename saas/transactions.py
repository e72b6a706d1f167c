"""One transaction per request, job or command: the unit of work, and its named exceptions.

Services never commit.  They flush (inside the tenant scope their rows belong to) and
leave the decision to the outermost unit of work, which commits once when the work
succeeded and rolls back otherwise:

* a request: ``saas.app_setup`` opens the unit before the view and closes it in
  ``after_request``, so the commit lands before the response leaves (a redirect the browser
  follows at once sees the data) and before the tenant scope is cleared in teardown;
* a job: ``worker.runtime.job_context`` (RQ, the in-process thread and the eager mode);
* a CLI command: ``saas.cli`` wraps each command that writes.

A service function that writes is marked ``@use_case``: inside a unit it joins it; called
alone (a test, the shell) it is its own unit.  When a use case raises inside a unit, the
unit is marked failed and rolls back at its end even if the caller handled the error and
answered 200 or a redirect: a use case that fails leaves nothing behind.

Rows that must be visible before the work ends, or even when it fails (a job's
``sending``/``rendering`` status, a failed sign-in's audit row, a credential's last use),
are committed through ``commit_now(reason)``, so ``grep -rn commit_now`` finds every early
commit and says why.  It commits the whole session: call it where everything pending may
be committed too.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from saas.extensions import db

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# True while a unit of work is open in this context (a request, a job, a command).  A
# ContextVar, like the tenant scope: the eager job, run in a fresh context, gets its own.
_open: ContextVar[bool] = ContextVar("tandem_unit_of_work", default=False)

_FAILED = "tandem_use_case_failed"
_ON_COMMIT = "tandem_on_commit"
_ON_ROLLBACK = "tandem_on_rollback"


def in_unit_of_work() -> bool:
    return _open.get()


def begin() -> Token[bool] | None:
    """Open the outermost unit of work; None when one is open already (then it is joined)."""
    if _open.get():
        return None
    return _open.set(True)


def finish(token: Token[bool] | None, *, ok: bool, detach: bool = False) -> bool:
    """Close the unit ``begin`` opened: commit when ``ok`` and no use case failed in it,
    else roll back.  Returns whether it committed.  A failed commit rolls back and raises.

    ``detach`` is for a session thrown away next (a request's): its objects are expunged
    before a rollback, so whatever still holds one reads its loaded values (as closing the
    session would allow) instead of an expired object that can no longer load.
    """
    if token is None:
        return False
    try:
        session = db.session()
        failed = session.info.pop(_FAILED, False)
        if ok and not failed:
            try:
                session.commit()
            except BaseException:
                _rollback(session, detach)
                raise
            return True
        _rollback(session, detach)
        return False
    finally:
        _open.reset(token)


def _rollback(session: Session, detach: bool) -> None:
    if detach:
        session.expunge_all()
    session.rollback()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """A block that commits once when it ends normally and rolls back when it raises.

    Inside another unit it joins that one: an exception marks the outer unit failed, so it
    rolls back at its end whatever the caller does with the error.
    """
    token = begin()
    if token is None:
        try:
            yield
        except BaseException:
            db.session().info[_FAILED] = True
            raise
        db.session.flush()  # in the caller's tenant scope, where these rows belong
        return
    ok = False
    try:
        yield
        ok = True
    finally:
        finish(token, ok=ok)


def use_case(func: Callable[P, R]) -> Callable[P, R]:
    """Mark a service function that writes: it joins the caller's unit of work, or is one."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work():
            return func(*args, **kwargs)

    return wrapper


def commit_now(reason: str) -> None:
    """Commit before the unit of work ends: for rows that must be seen while the work goes
    on, or that must survive its failure.  ``reason`` says which, for the reader."""
    log.debug("early commit: %s", reason)
    db.session.commit()


def on_commit(callback: Callable[[], Any]) -> None:
    """Run ``callback`` once the current transaction commits (dropped on rollback)."""
    db.session().info.setdefault(_ON_COMMIT, []).append(callback)


def on_rollback(callback: Callable[[], Any]) -> None:
    """Run ``callback`` if the current transaction rolls back (dropped on commit): undo
    what lives outside the database, such as a file written for a row that is not kept."""
    db.session().info.setdefault(_ON_ROLLBACK, []).append(callback)


def _run(callbacks: list[Callable[[], Any]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:  # noqa: BLE001 - the transaction's outcome stands; say so and go on
            log.exception("after-transaction callback %r failed", callback)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_ON_ROLLBACK, None)
    _run(session.info.pop(_ON_COMMIT, []))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: SessionTransaction) -> None:
    # What failed is gone with the rollback: the unit may go on and commit what follows.
    session.info.pop(_FAILED, None)
    session.info.pop(_ON_COMMIT, None)
    _run(session.info.pop(_ON_ROLLBACK, []))
