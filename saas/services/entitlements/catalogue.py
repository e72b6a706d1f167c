"""The plan catalogue: Starter, Growth and Scale, each monthly and yearly, and their limits.

Limits and Stripe price ids are settings (``saas/config.py``: ``PLAN_LIMITS`` and
``STRIPE_PRICE_<PLAN>_<INTERVAL>``), so an operator changes a price or a limit without a
release, and tests point the catalogue at their own values.  ``PLANS`` therefore reads the
current app's settings whenever it is looked at (and the process environment outside an
app), instead of freezing them at import.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from flask import current_app, has_app_context

from saas.config import DEFAULT_PLAN_LIMITS
from saas.i18n import lazy_gettext as _l

PLAN_NAMES = ("starter", "growth", "scale")
INTERVALS = ("month", "year")
# The environment's spelling of an interval: STRIPE_PRICE_GROWTH_MONTHLY.
INTERVAL_ENV = {"month": "MONTHLY", "year": "YEARLY"}
# SELF_HOSTED_PLAN's value for "no limits at all" (the default without Stripe).
UNLIMITED = "unlimited"

LABELS = {
    "starter": _l("Starter"),
    "growth": _l("Growth"),
    "scale": _l("Scale"),
    UNLIMITED: _l("Self-hosted"),
}


@dataclass(frozen=True)
class Limits:
    """What a plan allows; ``None`` is unlimited."""

    brands: int | None = None
    staff_seats: int | None = None
    reports_per_month: int | None = None
    scheduled_reports: int | None = None
    sessions_per_month: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> Limits:
        values = values or {}
        return cls(**{f.name: _limit(values.get(f.name)) for f in fields(cls)})


LIMIT_NAMES = tuple(f.name for f in fields(Limits))

DEFAULT_LIMITS = DEFAULT_PLAN_LIMITS


def _limit(value: Any) -> int | None:
    if value is None or value == "":
        return None
    number = int(value)
    return None if number < 0 else number


@dataclass(frozen=True)
class PlanSpec:
    name: str
    label: Any  # a lazy string: str() it in the reader's language
    limits: Limits
    prices: dict[str, str | None]  # interval ("month" / "year") → Stripe price id


def price_setting(plan: str, interval: str) -> str:
    """The setting (and environment variable) that holds a plan's price id."""
    return f"STRIPE_PRICE_{plan.upper()}_{INTERVAL_ENV[interval]}"


def _settings() -> Mapping[str, Any]:
    return current_app.config if has_app_context() else os.environ


def _build(name: str, settings: Mapping[str, Any]) -> PlanSpec:
    limits = settings.get("PLAN_LIMITS") or DEFAULT_LIMITS
    return PlanSpec(
        name=name,
        label=LABELS[name],
        limits=Limits.from_mapping(limits.get(name, DEFAULT_LIMITS.get(name))),
        prices={i: settings.get(price_setting(name, i)) or None for i in INTERVALS},
    )


class _Catalogue(Mapping[str, PlanSpec]):
    """``PLANS["growth"]``: built from the settings each time, so it follows the app."""

    def __getitem__(self, name: str) -> PlanSpec:
        if name not in PLAN_NAMES:
            raise KeyError(name)
        return _build(name, _settings())

    def __iter__(self) -> Iterator[str]:
        return iter(PLAN_NAMES)

    def __len__(self) -> int:
        return len(PLAN_NAMES)


PLANS: Mapping[str, PlanSpec] = _Catalogue()


def price_for(plan: str, interval: str) -> str | None:
    """The Stripe price id for a plan and interval, or None when not configured."""
    if plan not in PLAN_NAMES or interval not in INTERVALS:
        return None
    return PLANS[plan].prices[interval]


def plan_for_price(price_id: str | None) -> tuple[str, str] | None:
    """(plan, interval) of a Stripe price id, or None for a price we do not sell."""
    if not price_id:
        return None
    for plan in PLANS.values():
        for interval, price in plan.prices.items():
            if price and price == price_id:
                return plan.name, interval
    return None


def billing_enabled(config: Mapping[str, Any] | None = None) -> bool:
    """Stripe billing is on when a secret key is set; otherwise the app is self-hosted."""
    return bool((config if config is not None else _settings()).get("STRIPE_SECRET_KEY"))


def self_hosted_plan(config: Mapping[str, Any] | None = None) -> str:
    """The plan that applies without Stripe: a catalogue name, or ``unlimited``."""
    name = str((config if config is not None else _settings()).get("SELF_HOSTED_PLAN") or "")
    name = name.strip().lower()
    return name if name in PLAN_NAMES else UNLIMITED


def limits_for(plan: str) -> Limits:
    """A plan's limits; ``unlimited`` (and anything unknown) has none."""
    return PLANS[plan].limits if plan in PLAN_NAMES else Limits()


def label_for(plan: str) -> str:
    return str(LABELS.get(plan, plan))
