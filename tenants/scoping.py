"""The central isolation mechanism: mixins plus two session listeners.

* ``do_orm_execute`` adds ``with_loader_criteria`` for the current agency (and brand
  scope) to every ORM SELECT, UPDATE and DELETE, lazy and eager loads included.  A
  statement touching a tenant-owned table with no scope at all raises: fail closed.
* ``before_flush`` stamps ``agency_id`` on new rows and refuses writes to rows of
  another agency or outside the caller's brands.

Views never filter by tenant by hand; a forgotten filter therefore cannot leak.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import ForeignKey, event
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

from tenants.context import Scope, TenantScopeError, current_scope


class TenantRoot:
    """The tenant itself (``Agency``): visible only as the current agency."""

    concrete: list[type] = []

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        TenantRoot.concrete.append(cls)


class TenantScoped:
    """A row owned by one agency.  Every tenant-owned table carries ``agency_id``."""

    @declared_attr
    def agency_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(
            ForeignKey("agencies.id", ondelete="CASCADE"), index=True, nullable=False
        )


class BrandRoot:
    """The brand itself: brand-scoped users see only their brands."""

    concrete: list[type] = []

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        BrandRoot.concrete.append(cls)


class BrandScoped(TenantScoped):
    """A row that belongs to one brand of an agency (goals, plans, reports...)."""

    @declared_attr
    def brand_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(
            ForeignKey("brands.id", ondelete="CASCADE"), index=True, nullable=False
        )


def _touches_tenant_data(state: ORMExecuteState) -> bool:
    mappers = list(state.all_mappers)
    if state.bind_mapper is not None:
        mappers.append(state.bind_mapper)
    return any(issubclass(m.class_, TenantScoped | TenantRoot | BrandRoot) for m in mappers)


@event.listens_for(Session, "do_orm_execute")
def _add_tenant_criteria(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load:
        # Refreshing attributes of an object already loaded (and already authorised).
        return
    scope = current_scope()
    if scope is not None and scope.system:
        return
    if scope is None or scope.agency_id is None:
        if _touches_tenant_data(state):
            raise TenantScopeError(
                "Query on tenant-owned data with no tenant in scope; "
                "use tenant_scope(agency_id) or system_scope()."
            )
        return

    state.statement = state.statement.options(*_criteria(scope))


@lru_cache(maxsize=4096)
def _criteria(scope: Scope) -> tuple[Any, ...]:
    """The loader criteria for one scope, built once per scope and reused by every
    statement: building them (and analysing their lambdas) cost about 0.1 ms per query.
    Keyed by the whole frozen scope, so one agency's options never serve another."""
    agency_id = scope.agency_id
    options: list[Any] = [
        with_loader_criteria(
            TenantScoped, lambda cls: cls.agency_id == agency_id, include_aliases=True
        ),
    ]
    options += [
        with_loader_criteria(root, lambda cls: cls.id == agency_id, include_aliases=True)
        for root in TenantRoot.concrete
    ]
    if scope.brand_ids is not None:
        brand_ids = tuple(sorted(scope.brand_ids))
        options.append(
            with_loader_criteria(
                BrandScoped, lambda cls: cls.brand_id.in_(brand_ids), include_aliases=True
            )
        )
        options += [
            with_loader_criteria(root, lambda cls: cls.id.in_(brand_ids), include_aliases=True)
            for root in BrandRoot.concrete
        ]
    return tuple(options)


@event.listens_for(Session, "before_flush")
def _guard_writes(session: Session, _context: Any, _instances: Any) -> None:
    scope = current_scope()
    if scope is not None and scope.system:
        return
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if scope is None or scope.agency_id is None:
            raise TenantScopeError(f"Cannot create {type(obj).__name__} with no tenant in scope")
        if obj.agency_id is None:
            obj.agency_id = scope.agency_id
        elif obj.agency_id != scope.agency_id:
            raise TenantScopeError(f"Refusing to create {type(obj).__name__} in another agency")
        _check_brand(obj, scope.brand_ids)
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, TenantScoped):
            if scope is None or obj.agency_id != scope.agency_id:
                raise TenantScopeError(f"Refusing to change {type(obj).__name__} of another agency")
            _check_brand(obj, scope.brand_ids)
        elif isinstance(obj, TenantRoot) and (scope is None or obj.id != scope.agency_id):  # type: ignore[attr-defined]
            raise TenantScopeError("Refusing to change another agency")


def _check_brand(obj: object, brand_ids: frozenset[int] | None) -> None:
    if brand_ids is None:
        return
    brand_id = getattr(obj, "brand_id", None) if isinstance(obj, BrandScoped) else None
    if brand_id is None and isinstance(obj, BrandScoped):
        # Linked through the relationship but not yet synchronised to the column.
        brand_id = getattr(obj.__dict__.get("brand"), "id", None)
    if isinstance(obj, BrandRoot):
        brand_id = obj.id  # type: ignore[attr-defined]
    if brand_id is not None and brand_id not in brand_ids:
        raise TenantScopeError(f"Refusing to write {type(obj).__name__} outside the brand scope")
