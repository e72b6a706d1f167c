"""Is every table either owned by a tenant (and so filtered centrally) or global on purpose?

The isolation matrix covers routes; this covers the mapper registry, so a new model cannot
forget ``TenantScoped`` (its rows would be visible to every agency).
"""

from __future__ import annotations

import saas.models  # noqa: F401  (register every model)
from saas.extensions import db
from tenants.scoping import BrandScoped, TenantRoot, TenantScoped

# Models deliberately outside tenant scoping, each with its reason.
GLOBAL_MODELS = {
    "User": "a person may belong to several agencies; roles live in Membership",
    "OneTimeToken": "belongs to one user (password reset, magic link), looked up by hash",
    "UserSession": "one signed-in browser of one user; a session spans the agencies of its user",
    "RecoveryCode": "a two-factor recovery code: the second factor belongs to the person",
    "NotificationPreference": "one person's choice of product emails, the same in every agency",
    "BillingEvent": (
        "a Stripe webhook event, stored before its agency is known; matched to one by the "
        "customer or subscription id it carries"
    ),
}


def _models() -> list[type]:
    models = sorted((m.class_ for m in db.Model.registry.mappers), key=lambda c: c.__name__)
    assert len(models) >= 9, "the models were not registered"
    return models


def test_every_model_is_tenant_scoped_or_global_on_purpose():
    unscoped = [
        cls.__name__
        for cls in _models()
        if not issubclass(cls, TenantScoped | TenantRoot) and cls.__name__ not in GLOBAL_MODELS
    ]
    assert unscoped == [], (
        "Make these models TenantScoped (or BrandScoped), or list them in GLOBAL_MODELS "
        f"with the reason: {unscoped}"
    )


def test_every_tenant_table_carries_a_required_agency_id():
    for cls in _models():
        if issubclass(cls, TenantScoped):
            column = cls.__table__.c.agency_id
            assert not column.nullable, cls.__name__
            assert {fk.column.table.name for fk in column.foreign_keys} == {"agencies"}


# Tables that point at a brand without being BrandScoped, each with the reason.
BRAND_REFERENCE_EXEMPT = {
    "RuleSetting": "methodology: NULL brand means the agency default; staff-only (agency.settings)",
}


def test_rows_that_belong_to_a_brand_are_brand_scoped():
    """A table pointing at a brand but not BrandScoped would escape client users' brand scope."""
    loose = [
        cls.__name__
        for cls in _models()
        if any(fk.column.table.name == "brands" for fk in cls.__table__.foreign_keys)
        and not issubclass(cls, BrandScoped)
        and getattr(cls, "__tablename__", "") != "brands"
        and cls.__name__ not in BRAND_REFERENCE_EXEMPT
    ]
    assert loose == []


def test_global_models_list_has_no_stale_entries():
    names = {cls.__name__ for cls in _models()}
    assert set(GLOBAL_MODELS) <= names
