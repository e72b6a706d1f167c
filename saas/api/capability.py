"""API: team capability — the agency's skills catalogue, a brand's client team, their
assessments and skills matrix, the learning budget and the learning items that spend it.

Skills are named by ``key`` everywhere (assessments, learning items, the engine's
``capability_gap`` rule); a key never changes, names may.  Who assesses follows from the
caller's role: owners and consultants add ``consultant`` ratings for anyone on the team, a
client team member adds a ``self`` rating for the member linked to their own user (403 for
anyone else), client leaders only read.  Going over the learning budget is a 422 with the
code ``over_budget`` until an owner or consultant records a higher budget.  A brand outside
the caller's scope, or another agency's id, answers 404; a member, session or finding of
another brand in a body answers 422 on that field.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from flask import g, request
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)

from saas.api.base import (
    PAGE_QUERY,
    PLAIN,
    ApiError,
    Page,
    UtcDateTime,
    endpoint,
    found,
    not_nullable,
    paginated,
)
from saas.api.schemas import NAMED, ApiDate, Number, ServiceCheckedId
from saas.http import get_or_404, parse_id
from saas.i18n import gettext as _
from saas.models import Brand
from saas.models.capability import (
    LEARNING_FORMATS,
    LEARNING_STATUSES,
    Assessment,
    LearningBudget,
    LearningItem,
    Skill,
    TeamMember,
)
from saas.services import learning as learning_service
from saas.services.capability import assessments as assessments_service
from saas.services.capability import matrix as matrix_service
from saas.services.capability import skills as skills_service
from saas.services.capability import team as team_service
from saas.services.errors import ValidationFailed

TAGS = ["capability"]
Format = Literal[LEARNING_FORMATS]  # type: ignore[valid-type]
ItemStatus = Literal[LEARNING_STATUSES]  # type: ignore[valid-type]
# A rating the service checks itself, with its own (translated) message on ``rating``.
Rating = Annotated[
    StrictInt,
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 4}, mode="validation"),
]
Hours = Annotated[Number, Field(gt=0, le=learning_service.HOURS_MAX)]
SKILL_KEY = "A skill key of the agency's catalogue (GET /skills), e.g. `tiktok`."


# --- bodies -------------------------------------------------------------------------------


def _named_not_nullable(schema: dict[str, Any]) -> None:
    not_nullable(schema)
    schema["pattern"] = NAMED


class SkillCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: StrictStr = Field(
        max_length=skills_service.KEY_MAX,
        pattern=PLAIN,
        # The service checks it with its own message; the document states the rule.
        json_schema_extra={"pattern": skills_service.KEY_PATTERN.pattern},
        description="Lower-case letters, digits and underscores, starting with a letter; "
        "never changes.",
        examples=["employer_branding"],
    )
    name_en: StrictStr = Field(
        max_length=skills_service.NAME_MAX, pattern=PLAIN, json_schema_extra={"pattern": NAMED}
    )
    name_ar: StrictStr = Field(
        max_length=skills_service.NAME_MAX, pattern=PLAIN, json_schema_extra={"pattern": NAMED}
    )


class SkillUpdate(BaseModel):
    """Only the fields sent change.  ``key`` may be sent only with the skill's own key."""

    model_config = ConfigDict(extra="forbid")

    key: StrictStr = Field(
        default=None,
        max_length=skills_service.KEY_MAX,
        pattern=PLAIN,
        description="Never changes: a different key is refused with 422.",
        json_schema_extra=not_nullable,
    )
    name_en: StrictStr = Field(
        default=None,
        max_length=skills_service.NAME_MAX,
        pattern=PLAIN,
        json_schema_extra=_named_not_nullable,
    )
    name_ar: StrictStr = Field(
        default=None,
        max_length=skills_service.NAME_MAX,
        pattern=PLAIN,
        json_schema_extra=_named_not_nullable,
    )
    retired: StrictBool = Field(default=None, json_schema_extra=not_nullable)


class TeamMemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(
        max_length=team_service.NAME_MAX, pattern=PLAIN, json_schema_extra={"pattern": NAMED}
    )
    user_id: ServiceCheckedId | None = Field(
        default=None, description="A member of this agency with access to the brand."
    )


class AssessmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: ServiceCheckedId = Field(description="A member of this brand's team.")
    skill: StrictStr = Field(
        max_length=skills_service.KEY_MAX, pattern=PLAIN, description=SKILL_KEY
    )
    rating: Rating = Field(
        description="0 none, 1 aware, 2 practising with help, 3 independent, 4 can teach others."
    )


class BudgetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hours_per_person_per_month: Hours


class LearningItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: ServiceCheckedId = Field(description="A member of this brand's team.")
    title: StrictStr = Field(max_length=learning_service.TITLE_MAX, pattern=PLAIN)
    skill: StrictStr | None = Field(
        default=None, max_length=skills_service.KEY_MAX, pattern=PLAIN, description=SKILL_KEY
    )
    format: Format
    due_on: ApiDate
    hours: Hours
    session_id: ServiceCheckedId | None = Field(
        default=None,
        description="A training session of this brand; required for `partner_session`.",
    )
    finding_id: ServiceCheckedId | None = Field(
        default=None, description="The finding of this brand's review the item answers."
    )


class LearningItemUpdate(BaseModel):
    """Only the fields sent change.  Client team members may send only ``status``
    (``done`` or ``planned``), on their own items."""

    model_config = ConfigDict(extra="forbid")

    member_id: ServiceCheckedId = Field(default=None, json_schema_extra=not_nullable)
    title: StrictStr = Field(
        default=None,
        max_length=learning_service.TITLE_MAX,
        pattern=PLAIN,
        json_schema_extra=not_nullable,
    )
    skill: StrictStr | None = Field(
        default=None, max_length=skills_service.KEY_MAX, pattern=PLAIN, description=SKILL_KEY
    )
    format: Format = Field(default=None, json_schema_extra=not_nullable)
    due_on: ApiDate = Field(default=None, json_schema_extra=not_nullable)
    hours: Hours = Field(default=None, json_schema_extra=not_nullable)
    status: ItemStatus = Field(default=None, json_schema_extra=not_nullable)
    session_id: ServiceCheckedId | None = None


# --- responses ----------------------------------------------------------------------------


class SkillOut(BaseModel):
    id: int
    key: str
    name_en: str
    name_ar: str
    retired: bool
    position: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


class SkillPage(Page[SkillOut]):
    pass


class TeamMemberOut(BaseModel):
    id: int
    brand_id: int
    name: str
    user_id: int | None
    active: bool
    created_at: UtcDateTime


class TeamMemberPage(Page[TeamMemberOut]):
    pass


class RatingOut(BaseModel):
    skill: str
    self_rating: int | None
    consultant_rating: int | None
    counted: int | None = Field(description="The consultant's rating when present, else self.")


class TeamMemberDetail(TeamMemberOut):
    ratings: list[RatingOut] = Field(description="The latest ratings, per skill rated.")


class AssessmentOut(BaseModel):
    id: int
    brand_id: int
    member_id: int
    skill: str
    rating: int
    level: str = Field(description="What the rating means, in the caller's language.")
    source: Literal["self", "consultant"]
    assessed_by_id: int | None
    created_at: UtcDateTime


class AssessmentPage(Page[AssessmentOut]):
    pass


class CellOut(RatingOut):
    member_id: int


class LevelOut(BaseModel):
    rating: int
    label: str


class SkillsMatrixOut(BaseModel):
    members: list[TeamMemberOut] = Field(description="The brand's active team members.")
    skills: list[SkillOut] = Field(description="The catalogue's skills that are not retired.")
    cells: list[CellOut] = Field(description="One per member and skill, in that order.")
    strongest: dict[str, int] = Field(
        description="Skill key → the team's strongest counted rating (absent: nobody rated)."
    )
    thin: list[str] = Field(
        description="Skill keys where nobody on the team counts at least 2 (practising with help)."
    )
    levels: list[LevelOut]


class BudgetOut(BaseModel):
    id: int
    hours_per_person_per_month: float
    set_by_id: int | None
    created_at: UtcDateTime


class MonthOut(BaseModel):
    year: int
    month: int
    members: int = Field(description="Active team members.")
    team_budget: float = Field(description="Per-person budget × active members.")
    planned: float = Field(description="Hours of planned or done items due this month.")
    done: float = Field(description="Hours of items done this month.")


class LearningBudgetOut(BaseModel):
    hours_per_person_per_month: float | None = Field(
        description="The budget that counts now (the latest recorded), or null when none."
    )
    history: list[BudgetOut] = Field(description="Every budget recorded, newest first.")
    month: MonthOut = Field(description="This month, in the brand's time zone.")


class LearningItemOut(BaseModel):
    id: int
    brand_id: int
    member_id: int
    title: str
    skill: str | None
    format: str
    due_on: ApiDate | None
    hours: float
    status: str
    session_id: int | None
    finding_id: int | None
    created_by_id: int | None
    done_at: UtcDateTime | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class LearningItemPage(Page[LearningItemOut]):
    pass


# --- serialisation ------------------------------------------------------------------------


def skill_json(s: Skill) -> SkillOut:
    return SkillOut.model_validate(s, from_attributes=True)


def member_json(m: TeamMember) -> TeamMemberOut:
    return TeamMemberOut.model_validate(m, from_attributes=True)


def _rating(key: str, cell: matrix_service.Cell) -> dict[str, Any]:
    return {
        "skill": key,
        "self_rating": cell.self_rating,
        "consultant_rating": cell.consultant_rating,
        "counted": cell.counted,
    }


def assessment_json(a: Assessment) -> AssessmentOut:
    return AssessmentOut(
        id=a.id,
        brand_id=a.brand_id,
        member_id=a.member_id,
        skill=a.skill_key,
        rating=a.rating,
        level=str(assessments_service.LEVELS.get(a.rating, "")),
        source=a.source,  # type: ignore[arg-type]
        assessed_by_id=a.assessed_by_id,
        created_at=a.created_at,
    )


def item_json(i: LearningItem) -> LearningItemOut:
    return LearningItemOut(
        id=i.id,
        brand_id=i.brand_id,
        member_id=i.member_id,
        title=i.title,
        skill=i.skill_key,
        format=i.format,
        due_on=i.due_on,
        hours=i.hours,
        status=i.status,
        session_id=i.session_id,
        finding_id=i.finding_id,
        created_by_id=i.created_by_id,
        done_at=i.done_at,
        created_at=i.created_at,
        updated_at=i.updated_at,
    )


def _brand(brand_id: int) -> Brand:
    """The brand through the central scope: outside the caller's brands or agency, 404."""
    return get_or_404(Brand, brand_id)


def _id_filter(name: str) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    value = parse_id(raw)
    if value is None:
        message = _("%(name)s must be an id.", name=name)
        raise ApiError(400, "bad_request", message, {name: message})
    return value


def _id_query(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "description": description,
    }


# --- skills -------------------------------------------------------------------------------


@endpoint(
    "/skills",
    "GET",
    summary="List the agency's skills catalogue (retired skills included), in catalogue order",
    tags=TAGS,
    permission="capability.view",
    response=SkillPage,
    query=PAGE_QUERY,
)
def list_skills() -> dict[str, Any]:
    return paginated(skills_service.listing(), skill_json)


@endpoint(
    "/skills",
    "POST",
    summary="Add a skill to the catalogue (owner only); its key never changes",
    tags=TAGS,
    permission="skill.manage",
    body=SkillCreate,
    response=SkillOut,
    status=201,
)
def create_skill(data: SkillCreate) -> SkillOut:
    return skill_json(skills_service.add(g.membership, data.model_dump()))


@endpoint(
    "/skills/<int:skill_id>",
    "GET",
    summary="Get a skill of the catalogue",
    tags=TAGS,
    permission="capability.view",
    response=SkillOut,
)
def get_skill(skill_id: int) -> SkillOut:
    return skill_json(get_or_404(Skill, skill_id))


@endpoint(
    "/skills/<int:skill_id>",
    "PATCH",
    summary="Rename a skill (English, Arabic) or retire / restore it (owner only); key stays",
    tags=TAGS,
    permission="skill.manage",
    body=SkillUpdate,
    response=SkillOut,
)
def update_skill(skill_id: int, data: SkillUpdate) -> SkillOut:
    skill = get_or_404(Skill, skill_id)
    return skill_json(
        skills_service.update(g.membership, skill, data.model_dump(exclude_unset=True))
    )


# --- team ---------------------------------------------------------------------------------


@endpoint(
    "/brands/<int:brand_id>/team",
    "GET",
    summary="List a brand's client team (Tandem users and people known by name)",
    tags=TAGS,
    permission="capability.view",
    response=TeamMemberPage,
    query=PAGE_QUERY,
)
def list_team(brand_id: int) -> dict[str, Any]:
    brand = _brand(brand_id)
    return paginated(team_service.members_of(brand.id), member_json)


@endpoint(
    "/brands/<int:brand_id>/team",
    "POST",
    summary="Add a member to a brand's client team (owners and consultants)",
    tags=TAGS,
    permission="capability.assess",
    body=TeamMemberCreate,
    response=TeamMemberOut,
    status=201,
)
def create_team_member(brand_id: int, data: TeamMemberCreate) -> TeamMemberOut:
    brand = _brand(brand_id)
    return member_json(team_service.add(g.membership, brand, data.model_dump()))


@endpoint(
    "/brands/<int:brand_id>/team/<int:member_id>",
    "GET",
    summary="Get a team member with their latest ratings per skill",
    tags=TAGS,
    permission="capability.view",
    response=TeamMemberDetail,
)
def get_team_member(brand_id: int, member_id: int) -> TeamMemberDetail:
    brand = _brand(brand_id)
    member = found(team_service.member_of(brand.id, member_id), "team member")
    cells = matrix_service.latest_cells(brand.id, [member.id])
    ratings = [_rating(key, cell) for (_m, key), cell in sorted(cells.items())]
    return TeamMemberDetail(**member_json(member).model_dump(), ratings=ratings)


# --- assessments --------------------------------------------------------------------------


@endpoint(
    "/brands/<int:brand_id>/assessments",
    "GET",
    summary="List a brand's assessments, newest first (filter by member_id and skill)",
    tags=TAGS,
    permission="capability.view",
    response=AssessmentPage,
    query=[
        *PAGE_QUERY,
        _id_query("member_id", "Only this team member's assessments."),
        {
            "name": "skill",
            "in": "query",
            "schema": {"type": "string", "maxLength": skills_service.KEY_MAX},
            "description": "Only this skill key's assessments.",
        },
    ],
)
def list_assessments(brand_id: int) -> dict[str, Any]:
    brand = _brand(brand_id)
    member_id = _id_filter("member_id")
    skill = (request.args.get("skill") or "").strip() or None
    stmt = assessments_service.history(brand.id, member_id=member_id, skill_key=skill)
    return paginated(stmt, assessment_json)


@endpoint(
    "/brands/<int:brand_id>/assessments",
    "POST",
    summary="Rate a team member in a skill, 0–4 (staff: a consultant rating; team: self only)",
    tags=TAGS,
    permission="capability.assess",
    body=AssessmentCreate,
    response=AssessmentOut,
    status=201,
)
def create_assessment(brand_id: int, data: AssessmentCreate) -> AssessmentOut:
    brand = _brand(brand_id)
    return assessment_json(assessments_service.add(g.membership, brand, data.model_dump()))


@endpoint(
    "/brands/<int:brand_id>/skills-matrix",
    "GET",
    summary="The skills matrix: people × skills with both ratings, strongest and thin skills",
    tags=TAGS,
    permission="capability.view",
    response=SkillsMatrixOut,
)
def skills_matrix(brand_id: int) -> SkillsMatrixOut:
    brand = _brand(brand_id)
    m = matrix_service.skills_matrix(brand.id)
    cells = [
        CellOut(member_id=member.id, **_rating(skill.key, m.cell(member.id, skill.key)))
        for member in m.members
        for skill in m.skills
    ]
    active = {s.key for s in m.skills}
    return SkillsMatrixOut(
        members=[member_json(x) for x in m.members],
        skills=[skill_json(s) for s in m.skills],
        cells=cells,
        strongest={k: v for k, v in m.strongest.items() if k in active},
        thin=m.thin,
        levels=[
            LevelOut(rating=r, label=str(label)) for r, label in assessments_service.LEVELS.items()
        ],
    )


# --- learning budget ----------------------------------------------------------------------


def _budget_json(brand: Brand) -> LearningBudgetOut:
    history: list[LearningBudget] = learning_service.budget_history(brand.id)
    today = learning_service.today_for(brand)
    hours = learning_service.month_hours(brand, today.year, today.month)
    current = learning_service.current_budget(brand.id)
    return LearningBudgetOut(
        hours_per_person_per_month=current.hours_per_person_per_month if current else None,
        history=[BudgetOut.model_validate(b, from_attributes=True) for b in history],
        month=MonthOut(
            year=hours.year,
            month=hours.month,
            members=hours.members,
            team_budget=hours.team_budget,
            planned=hours.planned,
            done=hours.done,
        ),
    )


@endpoint(
    "/brands/<int:brand_id>/learning-budget",
    "GET",
    summary="The protected learning time: hours per person per month, history, this month",
    tags=TAGS,
    permission="capability.view",
    response=LearningBudgetOut,
)
def get_learning_budget(brand_id: int) -> LearningBudgetOut:
    return _budget_json(_brand(brand_id))


@endpoint(
    "/brands/<int:brand_id>/learning-budget",
    "PUT",
    summary="Record the learning budget agreed with the client (earlier ones stay as history)",
    tags=TAGS,
    permission="learning.manage",
    body=BudgetIn,
    response=LearningBudgetOut,
)
def put_learning_budget(brand_id: int, data: BudgetIn) -> LearningBudgetOut:
    brand = _brand(brand_id)
    learning_service.set_budget(g.membership, brand, data.hours_per_person_per_month)
    return _budget_json(brand)


# --- learning items -----------------------------------------------------------------------


def _item(learning_item_id: int) -> LearningItem:
    ident = parse_id(learning_item_id)
    return found(learning_service.load(ident) if ident else None, "learning item")


@contextmanager
def _api_field_names() -> Iterator[None]:
    """The learning service names the skill ``skill_key`` (its forms' field); the API's
    body calls it ``skill``, and so do its errors."""
    try:
        yield
    except ValidationFailed as exc:
        if "skill_key" in exc.fields:
            exc.fields["skill"] = exc.fields.pop("skill_key")
        raise


def _item_values(data: BaseModel) -> dict[str, Any]:
    values = data.model_dump(exclude_unset=True)
    values.pop("finding_id", None)
    if "skill" in values:
        values["skill_key"] = values.pop("skill")
    return values


@endpoint(
    "/brands/<int:brand_id>/learning-items",
    "GET",
    summary="List a brand's learning items, soonest due first (filter by status, member_id)",
    tags=TAGS,
    permission="capability.view",
    response=LearningItemPage,
    query=[
        *PAGE_QUERY,
        {
            "name": "status",
            "in": "query",
            "schema": {"type": "string", "enum": list(LEARNING_STATUSES)},
        },
        _id_query("member_id", "Only this team member's learning items."),
    ],
)
def list_learning_items(brand_id: int) -> dict[str, Any]:
    brand = _brand(brand_id)
    status = request.args.get("status") or None
    if status is not None and status not in LEARNING_STATUSES:
        message = _("status must be planned, done or dropped.")
        raise ApiError(400, "bad_request", message, {"status": message})
    member_id = _id_filter("member_id")
    stmt = learning_service.for_brand(brand.id, status=status, member_id=member_id)
    return paginated(stmt, item_json)


@endpoint(
    "/brands/<int:brand_id>/learning-items",
    "POST",
    summary="Plan a learning item for a team member; over the budget is 422 over_budget",
    tags=TAGS,
    permission="learning.manage",
    body=LearningItemCreate,
    response=LearningItemOut,
    status=201,
)
def create_learning_item(brand_id: int, data: LearningItemCreate) -> LearningItemOut:
    brand = _brand(brand_id)
    with _api_field_names():
        item = learning_service.create(
            g.membership, brand, _item_values(data), finding_id=data.finding_id
        )
    return item_json(item)


@endpoint(
    "/learning-items/<int:learning_item_id>",
    "GET",
    summary="Get a learning item",
    tags=TAGS,
    permission="capability.view",
    response=LearningItemOut,
)
def get_learning_item(learning_item_id: int) -> LearningItemOut:
    return item_json(_item(learning_item_id))


@endpoint(
    "/learning-items/<int:learning_item_id>",
    "PATCH",
    summary="Change a learning item; client team members may only mark their own done",
    tags=TAGS,
    permission="learning.complete",
    body=LearningItemUpdate,
    response=LearningItemOut,
)
def update_learning_item(learning_item_id: int, data: LearningItemUpdate) -> LearningItemOut:
    item = _item(learning_item_id)
    with _api_field_names():
        learning_service.update(g.membership, item, _item_values(data))
    return item_json(item)
