"""The skills matrix of a brand's team: who knows what, and where the team is thin.

Each member has up to two latest ratings per skill (their own and a consultant's); the one
that *counts* is the consultant's when there is one, else the self-rating.  The team's
strongest counted rating per skill is what the engine's ``capability_gap`` rule compares
with its threshold, so that figure is computed here once for the page, the API and C2.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from saas.extensions import db
from saas.models.capability import Assessment, Skill, TeamMember

# A team whose strongest counted rating in a skill is below this is "thin" in it:
# nobody is at least "practising with help".
THIN_BELOW = 2


@dataclass
class Cell:
    """One member's ratings in one skill."""

    self_rating: int | None = None
    consultant_rating: int | None = None

    @property
    def counted(self) -> int | None:
        """The consultant's rating when present, else the member's own."""
        return self.consultant_rating if self.consultant_rating is not None else self.self_rating


@dataclass
class Matrix:
    members: list[TeamMember]
    skills: list[Skill]
    cells: dict[tuple[int, str], Cell] = field(default_factory=dict)
    strongest: dict[str, int] = field(default_factory=dict)

    def cell(self, member_id: int, skill_key: str) -> Cell:
        return self.cells.get((member_id, skill_key), Cell())

    @property
    def thin(self) -> list[str]:
        """Active skill keys where the team's strongest counted rating is below 2 (or none)."""
        return [s.key for s in self.skills if self.strongest.get(s.key, -1) < THIN_BELOW]


def latest_cells(brand_id: int, member_ids: list[int]) -> dict[tuple[int, str], Cell]:
    """Latest self and consultant rating per (member, skill); rows come oldest first, so a
    later row overwrites an earlier one."""
    cells: dict[tuple[int, str], Cell] = {}
    if not member_ids:
        return cells
    rows = db.session.scalars(
        select(Assessment)
        .where(Assessment.brand_id == brand_id, Assessment.member_id.in_(member_ids))
        .order_by(Assessment.created_at, Assessment.id)
    )
    for row in rows:
        cell = cells.setdefault((row.member_id, row.skill_key), Cell())
        if row.source == "consultant":
            cell.consultant_rating = row.rating
        else:
            cell.self_rating = row.rating
    return cells


def active_members(brand_id: int) -> list[TeamMember]:
    return list(
        db.session.scalars(
            select(TeamMember)
            .where(TeamMember.brand_id == brand_id, TeamMember.active.is_(True))
            .order_by(TeamMember.name, TeamMember.id)
        )
    )


def strongest(cells: dict[tuple[int, str], Cell]) -> dict[str, int]:
    """Skill key → the highest counted rating anyone on the team has in it."""
    best: dict[str, int] = {}
    for (_member, key), cell in cells.items():
        value = cell.counted
        if value is not None and value > best.get(key, -1):
            best[key] = value
    return best


def team_strongest(brand_id: int) -> dict[str, int]:
    """The strongest counted rating per skill over the brand's active members."""
    members = active_members(brand_id)
    return strongest(latest_cells(brand_id, [m.id for m in members]))


def skills_matrix(brand_id: int) -> Matrix:
    """People × active skills of the current agency, with both latest ratings per cell."""
    from saas.services.capability.skills import active_skills

    members = active_members(brand_id)
    cells = latest_cells(brand_id, [m.id for m in members])
    return Matrix(members=members, skills=active_skills(), cells=cells, strongest=strongest(cells))
