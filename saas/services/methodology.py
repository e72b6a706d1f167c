"""The agency's methodology: how the alignment engine's rules are tuned, per agency and brand.

Three layers, merged field by field (``None`` means "inherit from the layer below"):

1. the engine's built-in defaults (``saas.domain.alignment.rules.RULES``);
2. the agency's defaults: ``RuleSetting`` rows with ``scope_brand_id`` NULL;
3. a brand's overrides: ``RuleSetting`` rows naming the brand.

``params`` merge key by key (``ranges`` objective by objective), as the engine's
``merge_settings`` does.  Only staff may read these; only the owner may change them (the
views check the role; the lead maps ``VIEW_ROLES`` / ``EDIT_ROLES`` into the permission
matrix as ``methodology.view`` / ``methodology.edit``).

Everything runs in the caller's tenant scope: nothing here filters by agency.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select

from saas.domain.alignment.rules import RULES, SEVERITIES, effective, merge_settings
from saas.domain.alignment.types import Settings
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Agency, Brand, RuleSetting
from saas.services import audit
from saas.services.errors import NotFound, ValidationFailed
from saas.services.reminders import validate_days
from tenants.models import Role

VIEW_ROLES = frozenset({Role.OWNER.value, Role.CONSULTANT.value})
EDIT_ROLES = frozenset({Role.OWNER.value})

WEIGHT_MIN, WEIGHT_MAX = 0.0, 10.0
PERCENT_MIN, PERCENT_MAX = 0.0, 100.0
DAYS_MIN, DAYS_MAX = 1, 730
_FIELDS = ("enabled", "severity", "weight")


@dataclass(frozen=True)
class Layer:
    """One layer's partial setting for a rule; ``None`` inherits."""

    enabled: bool | None = None
    severity: str | None = None
    weight: float | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, f) is None for f in _FIELDS) and not self.params

    def as_partial(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "severity": self.severity,
            "weight": self.weight,
            "params": dict(self.params),
        }


@dataclass(frozen=True)
class RuleView:
    """Everything a methodology page shows for one rule."""

    rule: str
    default: Any  # rules.Effective with no settings: the built-in behaviour
    agency: Layer | None  # the agency's row, if any
    brand: Layer | None  # the brand's override, if any (brand pages only)
    inherited: Any  # Effective from defaults + agency (what "inherit" means on a brand page)
    effective: Any  # Effective with every layer applied


# --- reading ------------------------------------------------------------------------------


def _rows(brand_id: int | None) -> list[RuleSetting]:
    """The agency's rows, and the brand's when a brand is named: one query."""
    scope = RuleSetting.scope_brand_id.is_(None)
    if brand_id is not None:
        scope = or_(scope, RuleSetting.scope_brand_id == brand_id)
    return list(db.session.scalars(select(RuleSetting).where(scope).order_by(RuleSetting.id)))


def _layer(row: RuleSetting) -> Layer:
    return Layer(
        enabled=row.enabled,
        severity=row.severity,
        weight=row.weight,
        params=dict(row.params or {}),
    )


def _split(rows: list[RuleSetting]) -> tuple[dict[str, Layer], dict[str, Layer]]:
    agency: dict[str, Layer] = {}
    brand: dict[str, Layer] = {}
    for row in rows:
        if row.rule not in RULES:
            continue  # a rule the engine no longer has: ignored, never an error
        (agency if row.scope_brand_id is None else brand)[row.rule] = _layer(row)
    return agency, brand


def _partials(layers: Mapping[str, Layer]) -> dict[str, dict[str, Any]]:
    return {rule: layer.as_partial() for rule, layer in layers.items()}


def settings_for(brand_id: int | None) -> Settings:
    """The engine's settings for a brand: defaults ← agency ← brand override.  One query.

    ``brand_id`` ``None`` gives the agency's own defaults.
    """
    agency, brand = _split(_rows(brand_id))
    return merge_settings(_partials(agency), _partials(brand))


def rule_views(brand_id: int | None = None) -> list[RuleView]:
    """Every rule in the engine's order, with each layer and the result.  One query."""
    agency, brand = _split(_rows(brand_id))
    agency_settings = merge_settings(_partials(agency))
    full = merge_settings(_partials(agency), _partials(brand)) if brand_id else agency_settings
    return [
        RuleView(
            rule=rule_id,
            default=effective(rule_id, None),
            agency=agency.get(rule_id),
            brand=brand.get(rule_id) if brand_id else None,
            inherited=effective(rule_id, agency_settings),
            effective=effective(rule_id, full),
        )
        for rule_id in RULES
    ]


# --- validating ---------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    """A finite number from a number or a form string; ``None`` for blank; raises ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("not finite")
    return number


def _whole_days(value: Any) -> int | None:
    number = _number(value)
    if number is None:
        return None
    if number != int(number):
        raise ValueError("not whole")
    return int(number)


def _check_enabled(value: Any, fields: dict[str, str]) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    fields["enabled"] = _("Choose on, off or inherit.")
    return None


def _check_severity(value: Any, fields: dict[str, str]) -> str | None:
    if value is None or value == "":
        return None
    if value in SEVERITIES:
        return value
    fields["severity"] = _("Choose error, warning or info.")
    return None


def _check_weight(value: Any, fields: dict[str, str]) -> float | None:
    try:
        weight = _number(value)
    except (TypeError, ValueError):
        weight = math.nan
    if weight is not None and not WEIGHT_MIN <= weight <= WEIGHT_MAX:  # NaN fails too
        fields["weight"] = _(
            "Enter a weight from %(min)s to %(max)s, or leave it empty to inherit.",
            min=int(WEIGHT_MIN),
            max=int(WEIGHT_MAX),
        )
        return None
    return weight


def _check_params(rule_id: str, params: Any, fields: dict[str, str]) -> dict[str, Any]:
    """Only the parameters the rule declares, each of the right kind and in range."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        fields["params"] = _("These settings are not in the expected form.")
        return {}
    declared = RULES[rule_id].params
    clean: dict[str, Any] = {}
    for name, value in params.items():
        key = f"params.{name}"
        if name not in declared:
            fields[key] = _("This rule has no setting called %(name)s.", name=str(name)[:40])
        elif name == "threshold_percent":
            try:
                number = _number(value)
            except (TypeError, ValueError):
                number = math.nan
            if number is not None and not PERCENT_MIN <= number <= PERCENT_MAX:
                fields[key] = _("Enter a percentage from 0 to 100, or leave it empty to inherit.")
            elif number is not None:
                clean[name] = number
        elif name == "ranges":
            ranges = _check_ranges(declared[name], value, key, fields)
            if ranges:
                clean[name] = ranges
        else:  # whole days (max_gap_days and any later "..._days" parameter)
            try:
                days: float | None = _whole_days(value)
            except (TypeError, ValueError):
                days = math.nan
            if days is not None and not DAYS_MIN <= days <= DAYS_MAX:
                fields[key] = _(
                    "Enter a whole number of days from %(min)d to %(max)d, or leave it empty "
                    "to inherit.",
                    min=DAYS_MIN,
                    max=DAYS_MAX,
                )
            elif days is not None:
                clean[name] = int(days)
    return clean


def _check_ranges(
    declared: Mapping[str, Any], value: Any, key: str, fields: dict[str, str]
) -> dict[str, list[int]]:
    """``{objective: [min, max]}`` in whole days; a half-filled pair inherits the other end."""
    if not isinstance(value, Mapping):
        fields[key] = _("These settings are not in the expected form.")
        return {}
    clean: dict[str, list[int]] = {}
    for objective, pair in value.items():
        where = f"{key}.{objective}"
        if objective not in declared:
            fields[where] = _("Unknown objective %(name)s.", name=str(objective)[:40])
            continue
        if pair is None:
            continue
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            fields[where] = _("Enter the shortest and the longest duration in days.")
            continue
        try:
            low, high = (_whole_days(v) for v in pair)
        except (TypeError, ValueError):
            fields[where] = _(
                "Enter whole numbers of days from %(min)d to %(max)d.", min=DAYS_MIN, max=DAYS_MAX
            )
            continue
        if low is None and high is None:
            continue
        low = declared[objective][0] if low is None else low
        high = declared[objective][1] if high is None else high
        if not (DAYS_MIN <= low <= DAYS_MAX and DAYS_MIN <= high <= DAYS_MAX):
            fields[where] = _(
                "Enter whole numbers of days from %(min)d to %(max)d.", min=DAYS_MIN, max=DAYS_MAX
            )
        elif low > high:
            fields[where] = _("The shortest duration cannot be longer than the longest.")
        else:
            clean[str(objective)] = [low, high]
    return clean


def validate(
    rule: str, *, enabled: Any = None, severity: Any = None, weight: Any = None, params: Any = None
) -> Layer:
    """A clean ``Layer`` or ``ValidationFailed`` with per-field messages (``params.<name>``)."""
    if rule not in RULES:
        msg = _("Unknown rule.")
        raise ValidationFailed(msg, {"rule": msg})
    fields: dict[str, str] = {}
    layer = Layer(
        enabled=_check_enabled(enabled, fields),
        severity=_check_severity(severity, fields),
        weight=_check_weight(weight, fields),
        params=_check_params(rule, params, fields),
    )
    if fields:
        raise ValidationFailed(_("Please correct the highlighted fields."), fields)
    return layer


# --- writing ------------------------------------------------------------------------------


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
    """Write (or, for an all-inherit layer, delete) the row; audit when it changed.  Commits."""
    brand_id = brand.id if brand is not None else None
    row = _row(rule, brand_id)
    before = _layer(row).as_partial() if row is not None else Layer().as_partial()
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
    db.session.commit()
    return row


def save_agency_rule(
    rule: str,
    enabled: bool | None = None,
    severity: str | None = None,
    weight: float | str | None = None,
    params: Mapping[str, Any] | None = None,
) -> RuleSetting | None:
    """Set the agency's default for one rule (``None`` fields use the built-in default).

    Replaces the agency's whole setting for the rule.  Returns the row (``None`` when
    everything is back to the built-in defaults).  Commits; audited.
    """
    layer = validate(rule, enabled=enabled, severity=severity, weight=weight, params=params)
    return _store(rule, None, layer)


def save_brand_override(
    brand_id: int,
    rule: str,
    enabled: bool | None = None,
    severity: str | None = None,
    weight: float | str | None = None,
    params: Mapping[str, Any] | None = None,
) -> RuleSetting | None:
    """Override one rule for one brand (``None`` fields inherit the agency's setting).

    ``NotFound`` for a brand outside the caller's scope.  Commits; audited.
    """
    brand = _brand(brand_id)
    layer = validate(rule, enabled=enabled, severity=severity, weight=weight, params=params)
    return _store(rule, brand, layer)


def clear_brand_override(brand_id: int, rule: str) -> bool:
    """Back to the agency's setting for this rule.  True when there was an override."""
    brand = _brand(brand_id)
    if rule not in RULES:
        msg = _("Unknown rule.")
        raise ValidationFailed(msg, {"rule": msg})
    had = _row(rule, brand_id) is not None
    _store(rule, brand, Layer())
    return had


def overridden_rules(brand_id: int) -> set[str]:
    """Rules this brand overrides (for a badge on the brand's page)."""
    return {
        row.rule
        for row in db.session.scalars(
            select(RuleSetting).where(RuleSetting.scope_brand_id == brand_id)
        )
    }


def save_reminder_days(agency: Agency, days: Any) -> Agency:
    """``agency.review_reminder_days`` (1-60): when waiting plans remind people.  Commits."""
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
        db.session.commit()
    return agency
