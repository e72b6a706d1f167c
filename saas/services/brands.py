"""Client brand workspaces: create, edit, archive and restore, search, consultants, logo.

The web views and the API both call these; every refusal is a ``ValidationFailed`` with a
message per field, and every change is audited.  Loading goes through the ORM, so the
tenant (and brand) scope of the caller applies without any filter here.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from sqlalchemy import Integer, Select, bindparam, case, func, select
from sqlalchemy.orm import selectinload

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Brand, BrandAccess, Membership, User
from saas.services import audit, storage
from saas.services.entitlements import limits
from saas.services.errors import ValidationFailed
from saas.transactions import use_case
from tenants.context import current_scope, tenant_scope
from tenants.models import Role, utcnow

FIELDS = ("name", "industry", "website", "timezone", "language")
LANGUAGES = ("en", "ar")
NAME_MAX = 120
INDUSTRY_MAX = 120
WEBSITE_MAX = 255


@lru_cache(maxsize=1)
def timezones() -> tuple[str, ...]:
    """Every IANA zone this machine knows, sorted (for the form's list)."""
    return tuple(sorted(zoneinfo.available_timezones()))


@lru_cache(maxsize=1)
def _timezone_set() -> frozenset[str]:
    return frozenset(timezones())


# --- validation ---------------------------------------------------------------------------


def _text(value: Any, field: str, errors: dict[str, str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errors[field] = _("Enter text.")
        return None
    return " ".join(value.split()) or None


def _clean_website(value: str, errors: dict[str, str]) -> str | None:
    url = value.strip()
    if "://" not in url and not url.lower().startswith(("http:", "https:")) and ":" not in url:
        url = "https://" + url  # people type "example.com"
    if len(url) > WEBSITE_MAX:
        errors["website"] = _("Use at most %(n)d characters.", n=WEBSITE_MAX)
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not host
        or any(c.isspace() or ord(c) < 32 for c in url)
    ):
        errors["website"] = _("Enter a web address starting with http:// or https://.")
        return None
    return url


def clean(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Check brand fields; returns the cleaned values of the fields given.

    With ``partial`` only the keys present are checked (PATCH); otherwise missing optional
    fields take their defaults.
    """
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    unknown = set(data) - set(FIELDS)
    for key in sorted(unknown):
        errors[key] = _("Unknown field.")

    if not partial or "name" in data:
        name = _text(data.get("name"), "name", errors)
        if "name" not in errors:
            if not name:
                errors["name"] = _("Enter the brand's name.")
            elif len(name) > NAME_MAX:
                errors["name"] = _("Use at most %(n)d characters.", n=NAME_MAX)
            else:
                out["name"] = name

    if not partial or "industry" in data:
        industry = _text(data.get("industry"), "industry", errors)
        if "industry" not in errors:
            if industry and len(industry) > INDUSTRY_MAX:
                errors["industry"] = _("Use at most %(n)d characters.", n=INDUSTRY_MAX)
            else:
                out["industry"] = industry

    if not partial or "website" in data:
        website = _text(data.get("website"), "website", errors)
        if "website" not in errors:
            out["website"] = _clean_website(website, errors) if website else None

    if not partial or "timezone" in data:
        tz = data.get("timezone")
        if tz is None and not partial:
            tz = "UTC"
        if not isinstance(tz, str) or tz.strip() not in _timezone_set():
            errors["timezone"] = _("Choose a time zone from the list, such as Asia/Dubai.")
        else:
            out["timezone"] = tz.strip()

    if not partial or "language" in data:
        language = data.get("language")
        if language is None and not partial:
            language = "en"
        if language not in LANGUAGES:
            errors["language"] = _("Choose English or Arabic.")
        else:
            out["language"] = language

    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    return out


# --- reading ------------------------------------------------------------------------------


def _with_people(stmt: Select[Any]) -> Select[Any]:
    return stmt.options(selectinload(Brand.access).selectinload(BrandAccess.membership))


def search(q: str | None = None, *, archived: bool = False) -> Select[Any]:
    """Brands in the caller's scope, active (or only archived ones), matching ``q``.

    Returns a statement for the caller to paginate.
    """
    stmt = _with_people(select(Brand))
    if archived:
        stmt = stmt.where(Brand.archived_at.is_not(None))
    else:
        stmt = stmt.where(Brand.archived_at.is_(None))
    term = (q or "").strip()[:NAME_MAX]
    if term:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Brand.name.ilike(f"%{escaped}%", escape="\\"))
    return stmt.order_by(func.lower(Brand.name), Brand.id)


def count(*, archived: bool) -> int:
    cond = Brand.archived_at.is_not(None) if archived else Brand.archived_at.is_(None)
    return int(db.session.scalar(select(func.count(Brand.id)).where(cond)) or 0)


@dataclass(frozen=True)
class BrandCard:
    """One brand as the start page prints it: a few columns, not an ORM object."""

    id: int
    name: str
    industry: str | None
    logo_path: str | None
    created_at: datetime | None
    client_people: int  # client leaders and team members with access


@dataclass(frozen=True)
class SwitcherBrand:
    """A brand in the layout's brand switcher."""

    id: int
    name: str


@dataclass
class Overview:
    """What the start page shows about the brands in the caller's scope."""

    brands: list[BrandCard]
    active_total: int
    archived_total: int
    switcher: list[SwitcherBrand] = field(default_factory=list)


SWITCHER_BRANDS = 30
CLIENT_ROLES = (Role.CLIENT_LEADER, Role.CLIENT_TEAM)


@lru_cache(maxsize=1)
def _overview_statement() -> Select[Any]:
    """``overview``'s statement, built once (building it cost about as much as running
    it); the limits are bound per call, the tenant criteria are added per execution."""
    is_active = case((Brand.archived_at.is_(None), 1), else_=0)
    ranked = select(
        Brand.id,
        Brand.name,
        Brand.industry,
        Brand.logo_path,
        Brand.created_at,
        is_active.label("active"),
        func.row_number()
        .over(partition_by=is_active, order_by=(func.lower(Brand.name), Brand.id))
        .label("home_rank"),
        func.row_number()
        .over(partition_by=is_active, order_by=(Brand.name, Brand.id))
        .label("switch_rank"),
        func.sum(is_active).over().label("active_total"),
        func.count().over().label("total"),
    ).subquery()
    clients = (
        select(func.count(BrandAccess.id))
        .join(Membership, Membership.id == BrandAccess.membership_id)
        .where(BrandAccess.brand_id == ranked.c.id, Membership.role.in_(CLIENT_ROLES))
        .scalar_subquery()
    )
    home_limit = bindparam("home_limit", type_=Integer)
    switcher_limit = bindparam("switcher_limit", type_=Integer)
    return select(ranked, clients.label("clients")).where(
        (
            (ranked.c.active == 1)
            & ((ranked.c.home_rank <= home_limit) | (ranked.c.switch_rank <= switcher_limit))
        )
        | ((ranked.c.active == 0) & (ranked.c.home_rank == 1))
    )


def overview(limit: int = 12, switcher_limit: int = SWITCHER_BRANDS) -> Overview:
    """The start page's brands, both totals and the switcher's brands in one query.

    Every brand in scope is ranked twice by window functions (the start page's order and
    the switcher's), and the totals are window sums, so the database returns at most
    ``limit + switcher_limit`` rows (plus one archived row carrying the totals when no
    brand is active) whatever the number of brands.  The client people are counted for
    those rows only.
    """
    rows = db.session.execute(
        _overview_statement(), {"home_limit": limit, "switcher_limit": switcher_limit}
    ).all()
    if not rows:
        return Overview([], 0, 0, [])
    active_total = int(rows[0].active_total or 0)
    active = [r for r in rows if r.active == 1]
    cards = [
        BrandCard(r.id, r.name, r.industry, r.logo_path, r.created_at, int(r.clients or 0))
        for r in sorted((r for r in active if r.home_rank <= limit), key=lambda r: r.home_rank)
    ]
    switcher = [
        SwitcherBrand(r.id, r.name)
        for r in sorted(
            (r for r in active if r.switch_rank <= switcher_limit), key=lambda r: r.switch_rank
        )
    ]
    return Overview(cards, active_total, int(rows[0].total) - active_total, switcher)


@lru_cache(maxsize=1)
def _switcher_statement() -> Select[Any]:
    return (
        select(Brand.id, Brand.name)
        .where(Brand.archived_at.is_(None))
        .order_by(Brand.name, Brand.id)
        .limit(bindparam("limit", type_=Integer))
    )


def switcher_brands(limit: int = SWITCHER_BRANDS) -> list[SwitcherBrand]:
    """The active brands of the layout's switcher, by name: two columns, one query."""
    rows = db.session.execute(_switcher_statement(), {"limit": limit})
    return [SwitcherBrand(r.id, r.name) for r in rows]


def switcher_of(brands: Iterable[Brand], limit: int = SWITCHER_BRANDS) -> list[SwitcherBrand]:
    """``switcher_brands`` for a member narrowed to some brands, from those brands (they
    come with the membership, so no query): the active ones by name, then id."""
    active = sorted((b for b in brands if b.archived_at is None), key=lambda b: (b.name, b.id))
    return [SwitcherBrand(b.id, b.name) for b in active[:limit]]


def load(brand_id: int) -> Brand | None:
    """One brand in scope, with its people, or ``None``."""
    return db.session.scalar(_with_people(select(Brand)).where(Brand.id == brand_id))


@dataclass(frozen=True)
class Person:
    """Someone with access to a brand, as its overview lists them."""

    id: int  # the membership
    role: str
    name: str


@dataclass
class BrandWithPeople:
    """A brand and the people with access to it, sorted by name."""

    brand: Brand
    consultants: list[Person]
    client_people: list[Person]


@lru_cache(maxsize=1)
def _people_statement() -> Select[Any]:
    return (
        select(Brand, Membership.id, Membership.role, User.name)
        .outerjoin(BrandAccess, BrandAccess.brand_id == Brand.id)
        .outerjoin(Membership, Membership.id == BrandAccess.membership_id)
        .outerjoin(User, User.id == Membership.user_id)
        .where(Brand.id == bindparam("brand_id", type_=Integer))
    )


def load_with_people(brand_id: int) -> BrandWithPeople | None:
    """One brand in scope and its people in one query (the people as three columns, not
    memberships with their agencies and users), or ``None``."""
    brand: Brand | None = None
    people: list[Person] = []
    for row in db.session.execute(_people_statement(), {"brand_id": brand_id}):
        brand = row[0]
        if row[1] is not None and row[3] is not None:
            people.append(Person(row[1], row[2], row[3]))
    if brand is None:
        return None
    people.sort(key=lambda p: (p.name.lower(), p.id))
    return BrandWithPeople(
        brand,
        [p for p in people if p.role == Role.CONSULTANT],
        [p for p in people if p.role in CLIENT_ROLES],
    )


def _people(brand: Brand, roles: Iterable[str]) -> list[Membership]:
    wanted = set(roles)
    found = [a.membership for a in brand.access if a.membership.role in wanted]
    return sorted(found, key=lambda m: (m.user.name.lower(), m.id))


def consultants_of(brand: Brand) -> list[Membership]:
    """Consultants assigned to the brand (those who see every brand are not listed)."""
    return _people(brand, [Role.CONSULTANT])


def client_people_of(brand: Brand) -> list[Membership]:
    return _people(brand, [Role.CLIENT_LEADER, Role.CLIENT_TEAM])


def consultant_ids(brand: Brand) -> list[int]:
    return sorted(m.id for m in consultants_of(brand))


def all_consultants() -> list[Membership]:
    stmt = select(Membership).where(Membership.role == Role.CONSULTANT)
    return sorted(db.session.scalars(stmt), key=lambda m: (m.user.name.lower(), m.id))


# --- changing -----------------------------------------------------------------------------


@use_case
def create(actor: Membership, data: Mapping[str, Any]) -> Brand:
    """Create a brand; a consultant limited to assigned brands is assigned to it."""
    values = clean(data)
    limits.check(actor.agency_id, "brands", actor=actor)  # archived brands do not count
    brand = Brand(**values)
    db.session.add(brand)
    db.session.flush()
    if actor.role == Role.CONSULTANT and not actor.sees_all_brands:
        # The caller's brand scope was computed before the brand existed; widen it for
        # this one write (the next request's scope includes the new brand).
        scope = current_scope()
        brand_ids = set(scope.brand_ids or ()) if scope else set()
        with tenant_scope(brand.agency_id, brand_ids | {brand.id}):
            brand.access.append(BrandAccess(agency_id=brand.agency_id, membership_id=actor.id))
            db.session.flush()
    audit.record("brand.created", brand, **{k: v for k, v in values.items() if v})
    return brand


@use_case
def update(brand: Brand, data: Mapping[str, Any], logo: BinaryIO | None = None) -> Brand:
    """Change the fields given (and the logo, if one is sent) in one transaction.

    A refusal of any field or of the logo changes nothing.  Unchanged values are not audited.
    """
    values = clean(data, partial=True)
    changed = {k: v for k, v in values.items() if getattr(brand, k) != v}
    new_logo = storage.save_brand_logo(brand.agency_id, brand.id, logo) if logo else None
    if new_logo:
        storage.replace_on_commit(new_logo, brand.logo_path)
    if changed:
        before = {k: getattr(brand, k) for k in changed}
        for key, value in changed.items():
            setattr(brand, key, value)
        audit.record("brand.updated", brand, changed=sorted(changed), before=before)
    if new_logo:
        brand.logo_path = new_logo
        audit.record("brand.logo_uploaded", brand)
    return brand


@use_case
def archive(brand: Brand) -> Brand:
    if brand.archived_at is None:
        brand.archived_at = utcnow()
        audit.record("brand.archived", brand)
    return brand


@use_case
def restore(brand: Brand) -> Brand:
    if brand.archived_at is not None:
        limits.check(brand.agency_id, "brands")  # it counts again
        brand.archived_at = None
        audit.record("brand.restored", brand)
    return brand


@use_case
def assign_consultants(brand: Brand, membership_ids: Iterable[int]) -> Brand:
    """Make exactly these consultants assigned to the brand (client people are untouched)."""
    wanted = {int(i) for i in membership_ids}
    consultants = {m.id: m for m in all_consultants()}
    unknown = wanted - consultants.keys()
    if unknown:
        msg = _("Choose consultants of this agency.")
        raise ValidationFailed(msg, {"consultants": msg})
    current = {a.membership_id: a for a in brand.access if a.membership_id in consultants}
    added = sorted(wanted - current.keys())
    removed = sorted(current.keys() - wanted)
    for membership_id in removed:
        brand.access.remove(current[membership_id])
    for membership_id in added:
        brand.access.append(BrandAccess(agency_id=brand.agency_id, membership_id=membership_id))
    if added or removed:
        audit.record(
            "brand.consultants_assigned",
            brand,
            consultant_ids=sorted(wanted),
            added=added or None,
            removed=removed or None,
        )
    return brand


def set_logo(brand: Brand, stream: BinaryIO) -> Brand:
    """Store a new logo (checked by its bytes) and delete the one it replaces."""
    return update(brand, {}, logo=stream)


def logo_version(brand: Brand | BrandCard) -> str | None:
    """A token that changes with the logo, for cache-busting URLs."""
    if not brand.logo_path:
        return None
    return brand.logo_path.rsplit("/", 1)[-1].split(".", 1)[0][:12]
