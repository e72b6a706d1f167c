"""Reading the layers: the agency's defaults and a brand's overrides over the engine's own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select

from saas.domain.alignment.rules import RULES, effective, merge_settings
from saas.domain.alignment.types import Settings
from saas.extensions import db
from saas.models import RuleSetting
from tenants.models import Role

VIEW_ROLES = frozenset({Role.OWNER.value, Role.CONSULTANT.value})
EDIT_ROLES = frozenset({Role.OWNER.value})
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


def _rows(brand_id: int | None) -> list[RuleSetting]:
    """The agency's rows, and the brand's when a brand is named: one query."""
    scope = RuleSetting.scope_brand_id.is_(None)
    if brand_id is not None:
        scope = or_(scope, RuleSetting.scope_brand_id == brand_id)
    return list(db.session.scalars(select(RuleSetting).where(scope).order_by(RuleSetting.id)))


def layer_of(row: RuleSetting) -> Layer:
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
        (agency if row.scope_brand_id is None else brand)[row.rule] = layer_of(row)
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


def overridden_rules(brand_id: int) -> set[str]:
    """Rules this brand overrides (for a badge on the brand's page)."""
    return {
        row.rule
        for row in db.session.scalars(
            select(RuleSetting).where(RuleSetting.scope_brand_id == brand_id)
        )
    }
