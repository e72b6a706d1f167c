"""The agency's methodology: how the alignment engine's rules are tuned, per agency and brand.

Three layers, merged field by field (``None`` means "inherit from the layer below"):

1. the engine's built-in defaults (``saas.domain.alignment.rules.RULES``);
2. the agency's defaults: ``RuleSetting`` rows with ``scope_brand_id`` NULL;
3. a brand's overrides: ``RuleSetting`` rows naming the brand.

``params`` merge key by key (``ranges`` objective by objective), as the engine's
``merge_settings`` does.  Only staff may read these; only the owner may change them (the
views check the role; the lead maps ``VIEW_ROLES`` / ``EDIT_ROLES`` into the permission
matrix as ``methodology.view`` / ``methodology.edit``).

Everything runs in the caller's tenant scope: nothing here filters by agency.  ``layers``
reads, ``checks`` validates, ``writing`` stores.
"""

from __future__ import annotations

from saas.services.methodology.checks import (
    DAYS_MAX,
    DAYS_MIN,
    PERCENT_MAX,
    PERCENT_MIN,
    WEIGHT_MAX,
    WEIGHT_MIN,
    validate,
)
from saas.services.methodology.layers import (
    EDIT_ROLES,
    VIEW_ROLES,
    Layer,
    RuleView,
    overridden_rules,
    rule_views,
    settings_for,
)
from saas.services.methodology.writing import (
    clear_brand_override,
    save_agency_rule,
    save_brand_override,
    save_reminder_days,
)

__all__ = [
    "DAYS_MAX",
    "DAYS_MIN",
    "EDIT_ROLES",
    "PERCENT_MAX",
    "PERCENT_MIN",
    "VIEW_ROLES",
    "WEIGHT_MAX",
    "WEIGHT_MIN",
    "Layer",
    "RuleView",
    "clear_brand_override",
    "overridden_rules",
    "rule_views",
    "save_agency_rule",
    "save_brand_override",
    "save_reminder_days",
    "settings_for",
    "validate",
]
