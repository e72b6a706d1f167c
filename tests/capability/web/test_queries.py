"""The capability pages send the same number of queries however big the team and its
history are (no lazy load per member, per skill or per rating)."""

from __future__ import annotations

from saas.extensions import db
from saas.services.capability import team as team_service
from tenants.context import tenant_scope
from tests.capability.web.conftest import plan_item, rate, set_budget


def _grow(world, t, n: int) -> None:
    with tenant_scope(world.agency.id):
        ids = [
            team_service.add(
                world.consultant, world.brand, {"name": f"Extra {world.agency.id}-{i}"}
            ).id
            for i in range(n)
        ]
        db.session.commit()
    for member_id in [t.sara, t.omar, *ids]:
        for skill, rating in (("tiktok", 1), ("short_video", 2), ("tiktok", 3)):
            rate(world, member_id, skill, rating)
        plan_item(world, member_id, "Course", hours=1)


def _pages(world, t) -> list[str]:
    b = world.brand.id
    return [f"/brands/{b}/team", f"/brands/{b}/team/{t.sara}", f"/brands/{b}/learning"]


def test_query_counts_do_not_grow_with_the_team(alpha, login_as, team, count_queries):
    t = team(alpha)
    set_budget(alpha, 40)
    rate(alpha, t.sara, "tiktok", 1)
    plan_item(alpha, t.sara, "First course", hours=1)
    client = login_as(alpha.consultant)
    for path in _pages(alpha, t):
        client.get(path)  # warm: the catalogue is seeded on the first read
    before = {}
    for path in _pages(alpha, t):
        with count_queries() as c:
            assert client.get(path).status_code == 200
        before[path] = c["n"]
    _grow(alpha, t, 4)
    for path in _pages(alpha, t):
        with count_queries() as c:
            assert client.get(path).status_code == 200
        assert c["n"] == before[path], f"{path}: {before[path]} queries, then {c['n']}"
