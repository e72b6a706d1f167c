"""Two first reads of a new agency's catalogue at once: the loser keeps the winner's
skills instead of answering 500 on the unique (agency, key)."""

from __future__ import annotations

from sqlalchemy import func, select

from saas.extensions import db
from saas.models.capability import Skill
from saas.services.capability import skills as skills_service
from tenants.context import tenant_scope
from tests.capability.api.conftest import envelope


def test_a_seed_that_lost_the_race_keeps_the_catalogue(alpha, call):
    with tenant_scope(alpha.agency.id):
        skills_service.ensure_seeded()  # the request that won
        # The request that lost: it also found no skills before the winner committed.
        skills_service._seed()
        assert db.session.scalar(select(func.count(Skill.id))) == len(skills_service.DEFAULT_SKILLS)
    keys = [s["key"] for s in envelope(call(alpha.tokens["owner"], "GET", "/skills?per_page=100"))]
    assert keys == list(skills_service.DEFAULT_KEYS)
