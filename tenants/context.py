"""The current tenant, held in a ContextVar so requests and jobs share one mechanism.

Every ORM statement consults this scope (see ``tenants.scoping``).  Nothing here knows
Flask: the web layer and the worker both enter a scope explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


class TenantScopeError(RuntimeError):
    """A tenant-owned table was touched with no tenant in scope (fail closed)."""


@dataclass(frozen=True)
class Scope:
    """Who may be seen: one agency, optionally narrowed to some brands.

    ``brand_ids`` of ``None`` means every brand of the agency; an empty frozenset
    means none at all (a client user whose brands were all taken away).
    ``system`` lifts all criteria: used for sign-in look-ups and maintenance only.
    """

    agency_id: int | None
    brand_ids: frozenset[int] | None = None
    system: bool = False


_scope: ContextVar[Scope | None] = ContextVar("tandem_tenant_scope", default=None)


def current_scope() -> Scope | None:
    return _scope.get()


def current_agency_id() -> int | None:
    scope = _scope.get()
    return scope.agency_id if scope else None


@contextmanager
def tenant_scope(agency_id: int, brand_ids: Iterable[int] | None = None) -> Iterator[Scope]:
    """Run a block as one agency (and optionally only some of its brands)."""
    if agency_id is None:
        raise TenantScopeError("tenant_scope() needs an agency id")
    scope = Scope(
        agency_id=int(agency_id),
        brand_ids=None if brand_ids is None else frozenset(int(b) for b in brand_ids),
    )
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


@contextmanager
def system_scope() -> Iterator[Scope]:
    """Lift tenant criteria for a block: sign-in look-ups, migrations, maintenance jobs."""
    token = _scope.set(Scope(agency_id=None, system=True))
    try:
        yield _scope.get()  # type: ignore[misc]
    finally:
        _scope.reset(token)


def set_scope(scope: Scope | None) -> object:
    """Set the scope for the rest of a request; returns a token for ``reset_scope``."""
    return _scope.set(scope)


def reset_scope(token: object) -> None:
    _scope.reset(token)  # type: ignore[arg-type]
