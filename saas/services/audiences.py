"""Audiences per brand: the networks they use (share in percent) and who engages.

The alignment engine reads these to ask whether a campaign runs where its audience is and
whether anyone knows who responds.  Same conventions as the goals service: every problem at
once with a message per field (``networks.2.share``), nothing half-saved, every change
audited, scope applied by the ORM.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, func, select

from saas.domain.vocabulary import NETWORKS
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Audience, Brand, Membership
from saas.permissions import can
from saas.services import audit
from saas.services.errors import Forbidden, ValidationFailed
from saas.services.goals import number, text, unknown_fields
from saas.transactions import use_case

FIELDS = ("name", "description", "networks", "engages")
NAME_MAX = 120
DESCRIPTION_MAX = 4000
ENGAGES_MAX = 4000
SHARE_TOLERANCE = 0.5  # rounded shares may add up to 100.5 %
MAX_ROWS = len(NETWORKS)


def can_edit(role: str | None) -> bool:
    return role is not None and can(role, "audience.edit")


def ensure_can_edit(actor: Membership) -> None:
    if not can_edit(actor.role):
        raise Forbidden(_("Your role can read audiences but not change them."))


def _networks(value: Any, errors: dict[str, str]) -> list[dict[str, Any]] | None:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        errors["networks"] = _("List the networks with a share for each.")
        return None
    if len(value) > MAX_ROWS:
        errors["networks"] = _("List each network once.")
        return None
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, row in enumerate(value):
        where = f"networks.{i}"
        if not isinstance(row, Mapping):
            errors[where] = _("Give a network and a share.")
            continue
        extra = set(row) - {"network", "share"}
        if extra:
            errors[f"{where}.{sorted(extra)[0]}"] = _("Unknown field.")
        network = row.get("network")
        if network not in NETWORKS:
            errors[f"{where}.network"] = _("Choose a network from the list.")
        elif network in seen:
            errors[f"{where}.network"] = _("This network is already listed.")
        else:
            seen.add(network)
        share_errors: dict[str, str] = {}
        share = number(
            {"share": row.get("share")},
            "share",
            share_errors,
            required=_("Enter the share in percent."),
            low=0,
            high=100,
        )
        if share_errors:
            errors[f"{where}.share"] = share_errors["share"]
        if network in NETWORKS and share is not None:
            rows.append({"network": network, "share": round(share, 1)})
    if not any(k.startswith("networks") for k in errors):
        total = sum(r["share"] for r in rows)
        if total > 100 + SHARE_TOLERANCE:
            shown = format(round(total, 1), "g")
            errors["networks"] = _(
                "The shares add up to %(total)s%%; they can add up to 100%% at most.",
                total=shown,
            )
    return rows


def clean(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    unknown_fields(data, FIELDS, errors)
    if not partial or "name" in data:
        out["name"] = text(
            data,
            "name",
            errors,
            limit=NAME_MAX,
            required=_("Name the audience, such as “Young professionals in Dubai”."),
        )
    if not partial or "description" in data:
        out["description"] = text(
            data, "description", errors, limit=DESCRIPTION_MAX, multiline=True
        )
    if not partial or "networks" in data:
        out["networks"] = _networks(data.get("networks"), errors)
    if not partial or "engages" in data:
        out["engages"] = text(data, "engages", errors, limit=ENGAGES_MAX, multiline=True)
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    return out


@use_case
def create(actor: Membership, brand: Brand, data: Mapping[str, Any]) -> Audience:
    ensure_can_edit(actor)
    values = clean(data)
    audience = Audience(agency_id=brand.agency_id, brand_id=brand.id, **values)
    db.session.add(audience)
    db.session.flush()
    audit.record(
        "audience.created",
        audience,
        brand_id=brand.id,
        networks={r["network"]: r["share"] for r in values["networks"]} or None,
    )
    return audience


@use_case
def update(actor: Membership, audience: Audience, data: Mapping[str, Any]) -> Audience:
    ensure_can_edit(actor)
    values = clean(data, partial=True)
    changed = {k: v for k, v in values.items() if getattr(audience, k) != v}
    if not changed:
        return audience
    for key, value in changed.items():
        setattr(audience, key, value)
    audit.record("audience.updated", audience, changed=sorted(changed))
    return audience


def for_brand(brand_id: int) -> Select[Any]:
    return (
        select(Audience)
        .where(Audience.brand_id == brand_id)
        .order_by(func.lower(Audience.name), Audience.id)
    )


def load(audience_id: int) -> Audience | None:
    return db.session.scalar(select(Audience).where(Audience.id == audience_id))


def shares(audience: Audience) -> dict[str, float]:
    """network → share, for display and for the engine's ``AudienceIn``."""
    return {r["network"]: float(r["share"]) for r in audience.networks or []}
