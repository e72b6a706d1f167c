"""Load the demo agency through the services people use, one idempotent step at a time.

Every step looks for its result first and only acts when it is missing, so a second run
changes nothing and a half-loaded demo (an interrupted run, or the smaller demo of earlier
versions) is completed, never duplicated.  The plans move through the real workflow: the
client team drafts and submits, the consultant opens a review, judges the engine's
findings, comments and records a verdict; reports are requested and rendered by the job
path; the share link is made by the reports service.

People are the exception: their accounts are rows written here, as before, because the
invitation flow would email links to addresses that do not exist.

Past 400 lines because it is a script of steps, each short and idempotent, read top to bottom.
"""

from __future__ import annotations

import contextvars
import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from saas.demo import capability as demo_capability
from saas.demo import content, png
from saas.demo import sessions as demo_sessions
from saas.demo.content import (
    ATLAS,
    CONSULTANT_EMAIL,
    DEMO_AGENCY_NAME,
    DEMO_AGENCY_SLUG,
    DEMO_PASSWORD,
    DEMO_USERS,
    OWNER_EMAIL,
    QAMAR,
    CampaignSpec,
    GoalSpec,
    PlanSpec,
    ReviewSpec,
)
from saas.extensions import db
from saas.models import (
    Agency,
    Audience,
    Brand,
    BrandAccess,
    Goal,
    GoalCheckin,
    Membership,
    Plan,
    Report,
    User,
)
from saas.models.reviews import Finding, Review, ReviewComment
from saas.services import agency as agency_service
from saas.services import audiences as audiences_service
from saas.services import audit, storage
from saas.services import brands as brands_service
from saas.services import goals as goals_service
from saas.services import plans as plans_service
from saas.services import reports as reports_service
from saas.services import reviews as reviews_service
from saas.services.passwords import hash_password
from saas.services.plans import CalendarItemData, CampaignData
from saas.transactions import commit_now, use_case
from tenants.context import system_scope, tenant_scope

REPORT_WAIT_SECONDS = 180.0


@dataclass
class DemoResult:
    """What a run did (``created``, in words) and where to look."""

    created: list[str] = field(default_factory=list)
    agency_id: int | None = None
    brand_ids: dict[str, int] = field(default_factory=dict)
    plan_ids: dict[str, int] = field(default_factory=dict)
    report_ids: dict[str, int] = field(default_factory=dict)
    report_status: dict[str, str] = field(default_factory=dict)
    share_url: str | None = None  # only when this run made the link: it is shown once
    share_live: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created)

    def note(self, text: str) -> None:
        self.created.append(text)


@use_case
def load_demo(today: date | None = None) -> DemoResult:
    """Create whatever part of the demo agency is missing.  Idempotent.

    Runs in a copy of the current context, so the audit actor it sets for each step (the
    person doing it) never outlives the call.  One unit of work, committed once more before
    it waits for the reports (their render job reads committed rows).
    """
    return contextvars.copy_context().run(_load, today or date.today())


def _load(today: date) -> DemoResult:
    result = DemoResult()
    agency = _agency(result)
    result.agency_id = agency.id
    with tenant_scope(agency.id):
        owner = _member(agency, _spec(OWNER_EMAIL), result)
        _branding(agency, owner, result)
        brands = {spec.name: _brand(spec, owner, result) for spec in content.DEMO_BRANDS}
        result.brand_ids = {name: brand.id for name, brand in brands.items()}
        people = {OWNER_EMAIL: owner}
        for spec in DEMO_USERS:
            if spec.email != OWNER_EMAIL:
                people[spec.email] = _member(agency, spec, result, brands)
        consultant = people[CONSULTANT_EMAIL]
        for brand in brands.values():
            _assign(brand, consultant, result)

        worlds = {
            QAMAR: _World(
                brands[QAMAR],
                leader=people[content.QAMAR_LEADER_EMAIL],
                team=people[content.QAMAR_TEAM_EMAIL],
                consultant=consultant,
            ),
            ATLAS: _World(
                brands[ATLAS],
                leader=people[content.ATLAS_LEADER_EMAIL],
                team=people[content.ATLAS_TEAM_EMAIL],
                consultant=consultant,
            ),
        }
        for name, goal_specs, audience_specs in (
            (QAMAR, content.QAMAR_GOALS, content.QAMAR_AUDIENCES),
            (ATLAS, content.ATLAS_GOALS, content.ATLAS_AUDIENCES),
        ):
            world = worlds[name]
            world.goals = _goals(world, goal_specs, today, result)
            world.audiences = _audiences(world, audience_specs, result)

        # The teams and what they know come before the plans: the reviews read them.
        for name, team_spec in (
            (QAMAR, demo_capability.QAMAR_TEAM),
            (ATLAS, demo_capability.ATLAS_TEAM),
        ):
            world = worlds[name]
            _acting(world.consultant)
            demo_capability.load_team(
                world.brand,
                {"leader": world.leader, "team": world.team, "consultant": world.consultant},
                team_spec,
                today,
                result.note,
            )

        # Qamar Coffee: next quarter's plan goes through a review first, so that the plan
        # approved for the running quarter is the latest review (the score the leader sees).
        qamar = worlds[QAMAR]
        upcoming = content.next_period(today)
        plan = _plan(qamar, content.QAMAR_REVISION_1, upcoming, today, result)
        _qamar_story(qamar, plan, upcoming, today, result)
        result.plan_ids[QAMAR] = plan.id
        running = content.running_period(today)
        plan = _plan(qamar, content.QAMAR_RUNNING, running, today, result)
        _approved_story(qamar, plan, content.QAMAR_RUNNING_REVIEW, result)

        atlas = worlds[ATLAS]
        atlas_period = content.atlas_period(today)
        plan = _plan(atlas, content.ATLAS_PLAN, atlas_period, today, result)
        _approved_story(atlas, plan, content.ATLAS_REVIEW, result)
        result.plan_ids[ATLAS] = plan.id

        for name, specs in (
            (QAMAR, demo_sessions.QAMAR_SESSIONS),
            (ATLAS, demo_sessions.ATLAS_SESSIONS),
        ):
            world = worlds[name]
            _acting(world.consultant)
            demo_sessions.load_sessions(
                world.brand,
                {"leader": world.leader, "team": world.team, "consultant": world.consultant},
                specs,
                today,
                result.note,
            )

        result.report_ids = {
            QAMAR: _report(qamar, "ar", running, result).id,
            ATLAS: _report(atlas, "en", atlas_period, result).id,
        }
        commit_now("the render jobs start after this commit and read these rows")
    _wait_for_reports(agency.id, list(result.report_ids.values()))
    db.session.expire_all()  # the job path wrote the rows in a session of its own
    with tenant_scope(agency.id):
        for name, report_id in result.report_ids.items():
            result.report_status[name] = db.session.scalar(
                select(Report.status).where(Report.id == report_id)
            )
        _share(worlds[QAMAR], result.report_ids[QAMAR], result)
    return result


# --- people and the agency --------------------------------------------------------------------


def _spec(email: str) -> content.DemoUser:
    return next(spec for spec in DEMO_USERS if spec.email == email)


def _acting(membership: Membership) -> None:
    """Audit what follows as done by this person (the demo runs in its own context)."""
    audit.set_actor(membership.user_id, membership.user.email)


def _agency(result: DemoResult) -> Agency:
    with system_scope():
        agency = db.session.scalar(select(Agency).where(Agency.slug == DEMO_AGENCY_SLUG))
    if agency is None:
        agency = Agency(name=DEMO_AGENCY_NAME, slug=DEMO_AGENCY_SLUG, default_locale="en")
        db.session.add(agency)
        db.session.flush()
        with tenant_scope(agency.id):
            audit.record("agency.created", agency, agency_id=agency.id)
            db.session.flush()
        result.note(f"the agency {DEMO_AGENCY_NAME}")
    return agency


_password_hash: dict[str, str] = {}


def _member(
    agency: Agency,
    spec: content.DemoUser,
    result: DemoResult,
    brands: dict[str, Brand] | None = None,
) -> Membership:
    """The person's account and membership, and access to their brands (client people)."""
    user = db.session.scalar(select(User).where(User.email == spec.email))
    if user is None:
        if "hash" not in _password_hash:
            _password_hash["hash"] = hash_password(DEMO_PASSWORD)
        user = User(
            email=spec.email,
            name=spec.name,
            password_hash=_password_hash["hash"],
            locale=spec.locale,
        )
        db.session.add(user)
        db.session.flush()
        result.note(f"the login {spec.email}")
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    if membership is None:
        membership = Membership(agency_id=agency.id, user_id=user.id, role=spec.role)
        db.session.add(membership)
        db.session.flush()
    if spec.role.startswith("client") and brands:
        have = {link.brand_id for link in membership.brand_links}
        for name in spec.brands:
            if brands[name].id not in have:
                membership.brand_links.append(
                    BrandAccess(agency_id=agency.id, brand_id=brands[name].id)
                )
                result.note(f"{spec.email}'s access to {name}")
    db.session.flush()
    return membership


def _branding(agency: Agency, owner: Membership, result: DemoResult) -> None:
    """The agency's accent colour and logo (white-labelling), as the owner sets them."""
    _acting(owner)
    if agency.accent_color in (None, agency_service.DEFAULT_ACCENT):
        agency_service.update_agency(
            agency,
            name=agency.name,
            accent_color=content.DEMO_ACCENT,
            default_locale=agency.default_locale,
            actor=owner.user,
        )
        result.note("the agency's accent colour")
    if not agency.logo_path or storage.resolve(agency.logo_path) is None:
        # The settings page's upload: the same checks (size, magic bytes), a random name.
        logo = io.BytesIO(png.agency_logo(content.DEMO_ACCENT))
        agency_service.set_logo(agency, logo, actor=owner.user)
        result.note("the agency's logo")


LOGOS: dict[str, Callable[[], bytes]] = {QAMAR: png.qamar_logo, ATLAS: png.atlas_logo}


def _brand(spec: content.DemoBrand, owner: Membership, result: DemoResult) -> Brand:
    _acting(owner)
    brand = db.session.scalar(select(Brand).where(Brand.name == spec.name))
    if brand is None:
        brand = brands_service.create(
            owner,
            {
                "name": spec.name,
                "industry": spec.industry,
                "website": spec.website,
                "timezone": spec.timezone,
                "language": spec.language,
            },
        )
        result.note(f"the brand {spec.name}")
    if not brand.logo_path or storage.resolve(brand.logo_path) is None:
        brands_service.set_logo(brand, io.BytesIO(LOGOS[spec.name]()))
        result.note(f"{spec.name}'s logo")
    return brand


def _assign(brand: Brand, consultant: Membership, result: DemoResult) -> None:
    brand = brands_service.load(brand.id)
    current = brands_service.consultant_ids(brand)
    if consultant.id not in current:
        brands_service.assign_consultants(brand, [*current, consultant.id])
        result.note(f"{consultant.user.name} as consultant of {brand.name}")


# --- goals and audiences ----------------------------------------------------------------------


@dataclass
class _World:
    brand: Brand
    leader: Membership
    team: Membership
    consultant: Membership
    goals: dict[str, Goal] = field(default_factory=dict)  # GoalSpec key -> row
    audiences: dict[str, Audience] = field(default_factory=dict)


def _goals(
    world: _World, specs: Iterable[GoalSpec], today: date, result: DemoResult
) -> dict[str, Goal]:
    """Goals (the consultant sets them up with the client) and the team's check-ins."""
    out = {}
    for spec in specs:
        goal = db.session.scalar(
            select(Goal).where(Goal.brand_id == world.brand.id, Goal.title == spec.title)
        )
        if goal is None:
            _acting(world.consultant)
            start, due = spec.dates(today)
            goal = goals_service.create(
                world.consultant,
                world.brand,
                {
                    "title": spec.title,
                    "description": spec.description,
                    "metric": spec.metric,
                    "unit": spec.unit,
                    "baseline": spec.baseline,
                    "target": spec.target,
                    "start_date": start,
                    "due_date": due,
                    "priority": spec.priority,
                    "owner_name": spec.owner_name,
                },
            )
            result.note(f"{world.brand.name}: the goal {spec.title}")
        has_checkins = db.session.scalar(
            select(func.count(GoalCheckin.id)).where(GoalCheckin.goal_id == goal.id)
        )
        if not has_checkins:
            _acting(world.team)
            for day, value, note in spec.checkins(today):
                goals_service.add_checkin(
                    world.team, goal, {"date": day, "value": value, "comment": note}, today=today
                )
            result.note(f"{world.brand.name}: check-ins for {spec.title}")
        out[spec.key] = goal
    return out


def _audiences(
    world: _World, specs: Iterable[content.AudienceSpec], result: DemoResult
) -> dict[str, Audience]:
    out = {}
    for spec in specs:
        audience = db.session.scalar(
            select(Audience).where(Audience.brand_id == world.brand.id, Audience.name == spec.name)
        )
        if audience is None:
            _acting(world.team)
            audience = audiences_service.create(
                world.team,
                world.brand,
                {
                    "name": spec.name,
                    "description": spec.description,
                    "networks": [{"network": n, "share": s} for n, s in spec.networks],
                    "engages": spec.engages,
                },
            )
            result.note(f"{world.brand.name}: the audience {spec.name}")
        out[spec.key] = audience
    return out


# --- plans ------------------------------------------------------------------------------------


def _calendar_status(day: date, today: date) -> str:
    if day < today:
        return "published"
    if day <= today + timedelta(days=7):
        return "scheduled"
    if day <= today + timedelta(days=14):
        return "approved"
    if day <= today + timedelta(days=21):
        return "drafted"
    return "planned"


def _content(
    world: _World, spec: PlanSpec, period: tuple[date, date], today: date
) -> tuple[list[CampaignData], list[CalendarItemData]]:
    campaigns, calendar = [], []
    for c in spec.campaigns:
        start, end = c.dates(period)
        campaigns.append(
            CampaignData(
                name=c.name,
                networks=list(c.networks),
                format=c.format,
                objective=c.objective,
                kpi=c.kpi,
                kpi_baseline=c.kpi_baseline,
                kpi_target=c.kpi_target,
                audience_id=world.audiences[c.audience].id if c.audience else None,
                start_date=start,
                end_date=end,
                duration_rationale=c.rationale,
                budget=c.budget,
                goal_links=[(world.goals[key].id, share) for key, share in c.goals],
                key=c.key,
            )
        )
        calendar.extend(_items(c, start, end, today))
    calendar.sort(key=lambda item: (item.date, item.network))
    return campaigns, calendar


def _items(c: CampaignSpec, start: date, end: date, today: date) -> list[CalendarItemData]:
    """The campaign's posts: every ``n`` days from its start, and one on its last day."""
    out = []
    rhythm = c.rhythm or tuple((network, 7, ()) for network in c.networks)
    for index, (network, days, skip) in enumerate(rhythm):
        # Each network a few days after the last, never so late that the first gap passes
        # the engine's 14 days.
        phase = min(index * 3 % days, max(0, 14 - days))
        offsets = [d for n, d in enumerate(range(phase, (end - start).days, days)) if n not in skip]
        offsets.append((end - start).days)
        for n, offset in enumerate(offsets):
            day = start + timedelta(days=offset)
            out.append(
                CalendarItemData(
                    date=day,
                    network=network,
                    format=c.format,
                    pillar=c.pillar,
                    brief=c.briefs[(n + index) % len(c.briefs)] if c.briefs else None,
                    status=_calendar_status(day, today),
                    campaign_key=c.key,
                )
            )
    return out


def _plan(
    world: _World, spec: PlanSpec, period: tuple[date, date], today: date, result: DemoResult
) -> Plan:
    """The brand's demo plan, drafted by the client team (revision 1)."""
    plan = db.session.scalar(
        select(Plan).where(Plan.brand_id == world.brand.id, Plan.title == spec.title)
    )
    if plan is None:
        _acting(world.team)
        campaigns, calendar = _content(world, spec, period, today)
        plan = plans_service.create_plan(
            world.brand,
            title=spec.title,
            period_start=period[0],
            period_end=period[1],
            campaigns=campaigns,
            calendar=calendar,
            author=world.team.user,
        )
        result.note(f"{world.brand.name}: the plan {spec.title} (revision 1)")
    return plan


def _revision_number(plan: Plan) -> int:
    return plans_service.current_revision(plan).number


def _submit(world: _World, plan: Plan, result: DemoResult) -> None:
    _acting(world.team)
    plans_service.transition(plan, "submitted", world.team)
    result.note(f"{world.brand.name}: revision {_revision_number(plan)} submitted for review")


def _qamar_story(
    world: _World, plan: Plan, period: tuple[date, date], today: date, result: DemoResult
) -> None:
    """Revision 1 reviewed (changes requested), revision 2 submitted and waiting."""
    for _step in range(6):  # each pass moves the plan one status on, as far as the story goes
        number = _revision_number(plan)
        if plan.status == "draft":
            _submit(world, plan, result)
        elif plan.status in ("submitted", "in_review") and number == 1:
            _review(world, plan, content.QAMAR_REVIEW_1, result)
        elif plan.status == "changes_requested" and number == 1:
            _acting(world.team)
            campaigns, calendar = _content(world, content.QAMAR_REVISION_2, period, today)
            plans_service.save_revision(
                plan,
                campaigns=campaigns,
                calendar=calendar,
                author=world.team.user,
                note=content.QAMAR_REVISION_2.note,
            )
            result.note(f"{world.brand.name}: revision 2 with the requested changes")
        elif plan.status == "changes_requested":
            _submit(world, plan, result)
        else:
            return  # revision 2 waits for the consultant (or someone took it further)


def _approved_story(world: _World, plan: Plan, spec: ReviewSpec, result: DemoResult) -> None:
    """Submitted by the client team, reviewed and approved by the consultant."""
    for _step in range(3):
        if plan.status == "draft":
            _submit(world, plan, result)
        elif plan.status in ("submitted", "in_review"):
            _review(world, plan, spec, result)
        else:
            return


def _review(world: _World, plan: Plan, spec: ReviewSpec, result: DemoResult) -> None:
    """Open the review, judge every finding, comment, recommend, record the verdict."""
    consultant = world.consultant
    _acting(consultant)
    review = reviews_service.open_review(plan, consultant, locale=world.brand.language)
    review_id = review.id
    goal_keys = {goal.id: key for key, goal in world.goals.items()}
    campaigns = reviews_service.campaign_names(review.revision_id)
    campaign_keys = {cid: key for cid, _name, key in campaigns}
    campaign_ids = {key: cid for cid, _name, key in campaigns}

    open_findings = db.session.scalars(
        select(Finding)
        .where(Finding.review_id == review_id, Finding.state == "open")
        .order_by(Finding.id)
    ).all()
    for finding in open_findings:
        reason = _dismissal(finding, spec, goal_keys, campaign_keys)
        reviews_service.decide_finding(finding, reason is None, reason, consultant)
    if open_findings:
        count = len(open_findings)
        result.note(f"{world.brand.name}: {count} finding{'s' if count > 1 else ''} judged")

    review = _reload_review(review_id)
    if not db.session.scalar(
        select(func.count(ReviewComment.id)).where(ReviewComment.review_id == review_id)
    ):
        for comment in spec.comments:
            reviews_service.add_comment(
                review,
                comment.body,
                comment.shared,
                campaign_id=campaign_ids.get(comment.campaign) if comment.campaign else None,
                goal_id=world.goals[comment.goal].id if comment.goal else None,
                membership=consultant,
            )
        result.note(f"{world.brand.name}: review comments")
    review = _reload_review(review_id)
    if not review.recommendations:
        reviews_service.set_recommendations(review, spec.recommendations, consultant)
    review = _reload_review(review_id)
    reviews_service.complete(review, spec.verdict, consultant)
    number = reviews_service.revision_of(review).number
    result.note(f"{world.brand.name}: review of revision {number} completed ({spec.verdict})")


def _reload_review(review_id: int) -> Review:
    return db.session.scalar(
        select(Review).where(Review.id == review_id).execution_options(populate_existing=True)
    )


def _dismissal(
    finding: Finding, spec: ReviewSpec, goal_keys: dict[int, str], campaign_keys: dict[int, str]
) -> str | None:
    """The consultant's reason to dismiss this finding, or ``None`` to accept it."""
    candidates = []
    if finding.goal_id is not None and finding.goal_id in goal_keys:
        candidates.append(f"{finding.rule}:{goal_keys[finding.goal_id]}")
    if finding.campaign_id is not None and finding.campaign_id in campaign_keys:
        candidates.append(f"{finding.rule}:{campaign_keys[finding.campaign_id]}")
    candidates.append(finding.rule)
    return next((spec.dismiss[key] for key in candidates if key in spec.dismiss), None)


# --- reports and the share link ---------------------------------------------------------------


def _report(world: _World, locale: str, period: tuple[date, date], result: DemoResult) -> Report:
    """The brand's report for the plan period: a ready one, one on its way, or a new one."""
    reports = db.session.scalars(
        select(Report)
        .where(
            Report.brand_id == world.brand.id,
            Report.locale == locale,
            Report.status.in_(("ready", *reports_service.PENDING)),
        )
        .order_by(Report.id.desc())
    ).all()
    ready = next((r for r in reports if r.status == "ready"), None)
    if ready is not None or reports:
        return ready or reports[0]
    _acting(world.consultant)
    report, _created = reports_service.request_report(
        world.brand,
        world.consultant,
        locale=locale,
        period_start=period[0],
        period_end=period[1],
        sections=None,
        recipient_ids=[world.leader.id],
    )
    result.note(f"{world.brand.name}: a report in {'Arabic' if locale == 'ar' else 'English'}")
    return report


def _wait_for_reports(agency_id: int, report_ids: list[int]) -> None:
    """Let the job path render the reports before the share link is made.

    Thread mode (the laptop default) works through its queue in this process: wait for it.
    Eager mode has rendered already.  With Redis a worker process renders: poll the rows
    (for at most ``REPORT_WAIT_SECONDS``, and not at all when no worker listens).
    """
    jobs = current_app.extensions["tandem_jobs"]
    if hasattr(jobs, "join"):
        jobs.join()
        return
    queue = getattr(jobs, "queue", None)
    if queue is None:
        return  # eager: rendered when the request was committed
    from rq import Worker

    if not Worker.count(connection=queue.connection, queue=queue):
        return  # nobody would render them while we wait: the summary says so
    deadline = time.monotonic() + REPORT_WAIT_SECONDS
    while time.monotonic() < deadline:
        db.session.expire_all()
        with tenant_scope(agency_id):
            waiting = db.session.scalar(
                select(func.count(Report.id)).where(
                    Report.id.in_(report_ids), Report.status.in_(reports_service.PENDING)
                )
            )
        db.session.rollback()  # end the read transaction, so the next poll sees new rows
        if not waiting:
            return
        time.sleep(0.5)


def _share(world: _World, report_id: int, result: DemoResult) -> None:
    """A live share link to the Arabic report, for the leader who keeps no password."""
    report = db.session.scalar(select(Report).where(Report.id == report_id))
    if report is None or report.status != "ready":
        return
    if any(reports_service.share_is_live(s) for s in reports_service.list_shares(report)):
        result.share_live = True
        return
    _acting(world.consultant)
    _row, raw = reports_service.create_share(
        report, world.consultant, label=content.QAMAR_SHARE_LABEL, expires_days=content.SHARE_DAYS
    )
    result.share_live = True
    result.share_url = f"{current_app.config['BASE_URL']}/r/{raw}"
    result.note(f"{world.brand.name}: a share link to the Arabic report")
