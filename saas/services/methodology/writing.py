"""Writing the layers: an agency default or a brand override per rule, audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from saas.domain.alignment.rules import RULES
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Agency, Brand, RuleSetting
from saas.services import audit
from saas.services.errors import NotFound, ValidationFailed
from saas.services.methodology.checks import validate
from saas.services.methodology.layers import Layer, layer_of
from saas.services.reminders import validate_days
from saas.transactions import use_case


def _row(rule: str, brand_id: int | None) -> RuleSetting | None:
    scope = (
        RuleSetting.scope_brand_id.is_(None)
        if brand_id is None
        else RuleSetting.scope_brand_id == brand_id
    )
    return db.session.scalar(
        select(RuleSetting).where(RuleSetting.rule == rule, scope).order_by(RuleSetting.id)
    )


def _brand(brand_id: int) -> Brand:
    brand = db.session.scalar(select(Brand).where(Brand.id == brand_id))
    if brand is None:
        raise NotFound(_("Brand not found."))
    return brand


def _store(rule: str, brand: Brand | None, layer: Layer) -> RuleSetting | None:
    """Write (or, for an all-inherit layer, delete) the row; audit when it changed."""
    brand_id = brand.id if brand is not None else None
    row = _row(rule, brand_id)
    before = layer_of(row).as_partial() if row is not None else Layer().as_partial()
    after = layer.as_partial()
    if before == after:
        return row
    if layer.is_empty:
        if row is not None:
            db.session.delete(row)
        row = None
    else:
        if row is None:
            row = RuleSetting(rule=rule, scope_brand_id=brand_id)
            db.session.add(row)
        row.enabled, row.severity, row.weight = layer.enabled, layer.severity, layer.weight
        row.params = dict(layer.params)
    changed = sorted(k for k in after if before[k] != after[k])
    audit.record(
        "methodology.updated",
        brand if brand is not None else db.session.scalar(select(Agency)),
        rule=rule,
        scope="brand" if brand is not None else "agency",
        brand_id=brand_id,
        changed=changed,
        **{"from": before, "to": after},
    )
    db.session.flush()
    return row


@use_case
def save_agency_rule(
    rule: str,
    enabled: bool | None = None,
    severity: str | None = None,
    weight: float | str | None = None,
    params: Mapping[str, Any] | None = None,
) -> RuleSetting | None:
    """Set the agency's default for one rule (``None`` fields use the built-in default).

    Replaces the agency's whole setting for the rule.  Returns the row (``None`` when
    everything is back to the built-in defaults).  Audited.
    """
    layer = validate(rule, enabled=enabled, severity=severity, weight=weight, params=params)
    return _store(rule, None, layer)


@use_case
def save_brand_override(
    brand_id: int,
    rule: str,
    enabled: bool | None = None,
    severity: str | None = None,
    weight: float | str | None = None,
    params: Mapping[str, Any] | None = None,
) -> RuleSetting | None:
    """Override one rule for one brand (``None`` fields inherit the agency's setting).

    ``NotFound`` for a brand outside the caller's scope.  Audited.
    """
    brand = _brand(brand_id)
    layer = validate(rule, enabled=enabled, severity=severity, weight=weight, params=params)
    return _store(rule, brand, layer)


@use_case
def clear_brand_override(brand_id: int, rule: str) -> bool:
    """Back to the agency's setting for this rule.  True when there was an override."""
    brand = _brand(brand_id)
    if rule not in RULES:
        msg = _("Unknown rule.")
        raise ValidationFailed(msg, {"rule": msg})
    had = _row(rule, brand_id) is not None
    _store(rule, brand, Layer())
    return had


@use_case
def save_reminder_days(agency: Agency, days: Any) -> Agency:
    """``agency.review_reminder_days`` (1-60): when waiting plans remind people."""
    value = validate_days(days)
    if agency.review_reminder_days != value:
        before = agency.review_reminder_days
        agency.review_reminder_days = value
        audit.record(
            "methodology.updated",
            agency,
            setting="review_reminder_days",
            **{"from": before, "to": value},
        )
        db.session.flush()
    return agency
