"""A campaign's content fields are declared in three layers, each for its own reason: the
API's wire models (validation limits, OpenAPI), the plans service's record (``Decimal``
budgets, goal links as pairs) and the engine's frozen input.  They must name the same
fields, so a field added in one place and forgotten in another fails here, not in use."""

from __future__ import annotations

from dataclasses import fields

from saas.api.plans.schemas import CampaignIn as WireCampaignIn
from saas.api.plans.schemas import CampaignOut
from saas.domain.alignment.types import CampaignIn as EngineCampaignIn
from saas.services.plans import CAMPAIGN_COLUMNS, CampaignData

# How each layer holds a campaign's goals and identity (not content fields).
LINKS_AND_IDS = {"id", "key", "position", "goal_ids", "goal_contributions", "goal_links"}


def _content(names) -> set[str]:
    return set(names) - LINKS_AND_IDS


def test_the_service_record_the_wire_models_and_the_engine_name_the_same_fields():
    record = _content(f.name for f in fields(CampaignData))
    assert record == _content(WireCampaignIn.model_fields)
    assert record == _content(CampaignOut.model_fields)
    assert record == _content(f.name for f in fields(EngineCampaignIn))
    assert record == _content(CAMPAIGN_COLUMNS)
    assert len(record) == 12  # name … budget: the fourteen with goal ids and contributions
