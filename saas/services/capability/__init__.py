"""Team capability: the agency's skills catalogue, a brand's team, their assessments and
the skills matrix.  ``team_ratings`` is the plain data the engine's ``capability_gap``
rule reads (the engine itself knows nothing of the database)."""

from __future__ import annotations

from saas.services.capability.matrix import team_strongest


def team_ratings(brand_id: int) -> dict[str, int]:
    """Skill key → the team's strongest counted rating (a consultant's when present, else
    the member's own), over the brand's active members.  A skill nobody is rated in is
    absent; a brand with no team members gives ``{}``.  Runs in the caller's tenant scope."""
    return team_strongest(brand_id)


__all__ = ["team_ratings"]
