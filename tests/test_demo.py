"""The demo agency: signed in as each demo login, does a person see the product do its job?

The demo is loaded once for the module through ``flask demo`` (eager jobs, or a real worker
process when REDIS_URL is set), then each test looks at it the way a person would: pages
over HTTP with a fresh browser-like client per login, and the rows behind them.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import func, select

from saas.demo import DEMO_PASSWORD, DEMO_USERS
from saas.demo.content import (
    ATLAS,
    ATLAS_LEADER_EMAIL,
    ATLAS_PLAN,
    ATLAS_TEAM_EMAIL,
    CONSULTANT_EMAIL,
    OWNER_EMAIL,
    QAMAR,
    QAMAR_LEADER_EMAIL,
    QAMAR_REVIEW_1,
    QAMAR_REVISION_1,
    QAMAR_RUNNING,
    QAMAR_TEAM_EMAIL,
)
from saas.extensions import db
from saas.models import (
    Agency,
    Audience,
    Brand,
    CalendarItem,
    Goal,
    GoalCheckin,
    Membership,
    Plan,
    PlanRevision,
    Report,
)
from saas.models.reviews import Finding, Review, ReviewComment
from saas.services import goals as goals_service
from saas.services import reports as reports_service
from saas.services import reviews as reviews_service
from tenants.context import system_scope, tenant_scope


@dataclass
class Demo:
    app: object
    output: str
    agency_id: int
    brand_ids: dict[str, int]
    plan_ids: dict[str, int]

    def scope(self):  # type: ignore[no-untyped-def]
        return tenant_scope(self.agency_id)


def _drain(app, redis_url: str | None, timeout: float = 120.0) -> None:
    """Wait for the worker to finish every queued job (``run_jobs``, for a module fixture:
    that fixture empties the database for each test, and the demo is loaded only once)."""
    if not redis_url:
        return
    from rq.registry import StartedJobRegistry

    jobs = app.extensions["tandem_jobs"]
    registry = StartedJobRegistry(queue=jobs.queue)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if jobs.queue.count == 0 and registry.count == 0:
            time.sleep(0.1)
            if jobs.queue.count == 0 and registry.count == 0:
                return
        time.sleep(0.05)
    raise AssertionError("jobs did not finish in time")


def _wait_for_worker(app, timeout: float = 30.0) -> None:
    """The demo waits for reports only when a worker listens (it would wait in vain)."""
    from rq import Worker

    queue = app.extensions["tandem_jobs"].queue
    deadline = time.monotonic() + timeout
    while not Worker.count(connection=queue.connection, queue=queue):
        if time.monotonic() > deadline:
            raise AssertionError("the worker process did not start")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def demo(app, worker_process, redis_url) -> Iterator[Demo]:
    from saas.extensions import limiter
    from tests.conftest import _clean_database

    _clean_database(app)
    limiter.reset()
    if redis_url:
        _wait_for_worker(app)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    _drain(app, redis_url)
    with app.app_context():
        with system_scope():
            agency = db.session.scalar(select(Agency).where(Agency.slug == "northwind-social"))
        with tenant_scope(agency.id):
            brands = {b.name: b.id for b in db.session.scalars(select(Brand))}
            plans = {
                name: db.session.scalar(
                    select(Plan.id).where(Plan.brand_id == brand_id, Plan.title == title)
                )
                for (name, brand_id), title in zip(
                    sorted(brands.items()),
                    (ATLAS_PLAN.title, QAMAR_REVISION_1.title),
                    strict=True,
                )
            }
        loaded = Demo(app, result.output, agency.id, brands, plans)
        db.session.remove()
    yield loaded
    _clean_database(app)


def _login(demo: Demo, email: str):  # type: ignore[no-untyped-def]
    """A fresh client signed in with the printed password, as a person would."""
    client = demo.app.test_client()
    resp = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert resp.status_code in (302, 303), f"{email} could not sign in: {resp.status_code}"
    return client


def _text(html: str) -> str:
    """The page's words: tags out, entities left (enough for the assertions here)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- the command ------------------------------------------------------------------------------


def test_demo_prints_the_logins_the_password_and_three_things_to_try(demo):
    for spec in DEMO_USERS:
        assert spec.email in demo.output
    assert DEMO_PASSWORD in demo.output
    assert "Three things to try first" in demo.output
    assert f"/plans/{demo.plan_ids[QAMAR]}" in demo.output
    assert re.search(r"http://tandem\.test/r/[A-Za-z0-9_-]{20,}", demo.output), demo.output


def _counts(demo: Demo) -> dict[str, int]:
    """Rows in every table, across agencies."""
    with demo.app.app_context(), system_scope():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def test_running_the_demo_again_changes_nothing_and_says_so(demo, redis_url):
    before = _counts(demo)
    again = demo.app.test_cli_runner().invoke(args=["demo"])
    _drain(demo.app, redis_url)

    assert again.exit_code == 0, again.output
    assert "already loaded: nothing changed" in again.output
    assert _counts(demo) == before
    assert "leader@demo.tandem.test" in again.output
    assert "/r/" not in again.output  # a share link is shown once, when it is made


def test_demo_refuses_to_load_in_production(demo, monkeypatch):
    monkeypatch.setitem(demo.app.config, "TANDEM_ENV", "production")
    before = _counts(demo)

    result = demo.app.test_cli_runner().invoke(args=["demo"])

    assert result.exit_code != 0
    assert "production" in result.output
    assert _counts(demo) == before


# --- what the consultant and the leader see -------------------------------------------------


def test_consultant_dashboard_shows_qamar_revision_2_waiting_for_review(demo):
    client = _login(demo, CONSULTANT_EMAIL)

    page = client.get("/")

    assert page.status_code == 200
    waiting = page.text.split('id="waiting-title"', 1)[1].split("</section>", 1)[0]
    with demo.app.app_context(), demo.scope():
        plan = db.session.scalar(select(Plan).where(Plan.id == demo.plan_ids[QAMAR]))
        assert plan.status == "submitted"
        assert (
            db.session.scalar(
                select(func.max(PlanRevision.number)).where(PlanRevision.plan_id == plan.id)
            )
            == 2
        )
    assert f'href="/plans/{plan.id}"' in waiting
    assert plan.title in waiting and QAMAR in waiting
    # Goals drifting at both brands are on the morning list too.
    at_risk = page.text.split('id="risk-title"', 1)[1].split("</section>", 1)[0]
    assert "Grow the Atlas Trail Club to 2,000 members" in at_risk
    assert "الرد على كل عميل خلال ساعة" in at_risk


def test_qamar_leader_lands_on_her_brand_in_arabic_with_the_score_and_goals(demo):
    from saas.presentation.labels.goals import PROGRESS_LABELS

    client = _login(demo, QAMAR_LEADER_EMAIL)

    landing = client.get("/", follow_redirects=True)

    assert landing.request.path == f"/brands/{demo.brand_ids[QAMAR]}"
    assert 'lang="ar"' in landing.text and 'dir="rtl"' in landing.text
    with demo.app.app_context(), demo.scope():
        review = db.session.scalar(
            select(Review)
            .where(Review.brand_id == demo.brand_ids[QAMAR], Review.status == "completed")
            .order_by(Review.completed_at.desc(), Review.id.desc())
            .limit(1)
        )
        score = review.score
        with force_locale("ar"):
            behind = str(PROGRESS_LABELS["behind"])
            at_risk = str(PROGRESS_LABELS["at_risk"])
    assert f'<span class="kpi-value">{score}</span>' in landing.text
    assert QAMAR_RUNNING.title in landing.text  # the plan agreed for this quarter
    # What needs her decision: the goals behind and at risk, named and marked.
    assert "الرد على كل عميل خلال ساعة" in landing.text and behind in landing.text
    assert "أن تكون قمر أول قهوة يتذكرها شباب الرياض" in landing.text and at_risk in landing.text


def test_qamar_leader_sees_what_needs_her_decision_before_the_details(demo):
    """Done when: the landing page shows the score, what needs her decision and the latest
    report, ahead of the brand's details and people (on a phone these came first)."""
    client = _login(demo, QAMAR_LEADER_EMAIL)
    page = client.get(f"/brands/{demo.brand_ids[QAMAR]}").text

    card = re.search(r'<section class="card decisions-card".*?</section>', page, re.S)
    assert card, "no decisions card on the leader's landing page"
    with demo.app.app_context(), force_locale("ar"):
        from flask_babel import gettext

        behind = gettext(
            "Add effort to %(goal)s or reset its target: it is %(percent)s of the way with "
            "%(elapsed)s of the time gone (%(chain)s, due %(due)s).",
            goal="@@",
            percent="@@",
            elapsed="@@",
            chain="@@",
            due="@@",
        )
    text = _text(card.group(0))
    assert all(part.strip() in text for part in behind.split("@@"))  # her question, in Arabic
    assert "الرد على كل عميل خلال ساعة" in text  # the goal that is behind, by name
    assert '<span class="kpi-value">' in card.group(0)
    order = [page.index(m) for m in ('id="decisions"', 'id="reports"', 'id="details-title"')]
    assert order == sorted(order), "score, decisions and reports come before the details"


def test_consultant_overview_keeps_details_first_and_no_decisions_card(demo):
    client = _login(demo, CONSULTANT_EMAIL)
    page = client.get(f"/brands/{demo.brand_ids[QAMAR]}").text
    assert 'id="decisions"' not in page
    assert page.index('id="details-title"') < page.index('id="reports"')


def test_qamar_leader_reaches_the_latest_report_from_her_landing_page(demo):
    client = _login(demo, QAMAR_LEADER_EMAIL)

    landing = client.get(f"/brands/{demo.brand_ids[QAMAR]}")

    with demo.app.app_context(), demo.scope():
        report_id = db.session.scalar(
            select(Report.id).where(
                Report.brand_id == demo.brand_ids[QAMAR], Report.status == "ready"
            )
        )
    assert f"/reports/{report_id}" in landing.text
    assert client.get(f"/reports/{report_id}/pdf").data.startswith(b"%PDF")


# --- every login sees real data ---------------------------------------------------------------

# Dashboard lines that say "nothing here" without the empty-state card.
NOTHING_YET = ("No plan is waiting for review", "No goal is at risk", "No brands assigned")

SCREENS = {
    OWNER_EMAIL: ("/", "/brands/", "/brands/{qamar}", "/brands/{atlas}", "/members/", "/settings/"),
    CONSULTANT_EMAIL: (
        "/",
        "/brands/{qamar}",
        "/plans/{qamar_plan}",
        "/brands/{qamar}/reports",
        "/brands/{atlas}",
        "/brands/{atlas}/calendar",
    ),
    QAMAR_LEADER_EMAIL: (
        "/",
        "/brands/{qamar}/goals",
        "/brands/{qamar}/audiences",
        "/brands/{qamar}/plans",
        "/brands/{qamar}/calendar",
        "/brands/{qamar}/reports",
    ),
    QAMAR_TEAM_EMAIL: (
        "/",
        "/brands/{qamar}/goals",
        "/plans/{qamar_plan}",
        "/brands/{qamar}/calendar",
        "/brands/{qamar}/reports",
    ),
    ATLAS_LEADER_EMAIL: (
        "/",
        "/plans/{atlas_plan}",
        "/brands/{atlas}/calendar",
        "/brands/{atlas}/reports",
    ),
    ATLAS_TEAM_EMAIL: (
        "/",
        "/brands/{atlas}/goals",
        "/brands/{atlas}/audiences",
        "/brands/{atlas}/calendar",
    ),
}


def test_every_demo_login_has_screens_to_look_at():
    assert set(SCREENS) == {spec.email for spec in DEMO_USERS}


@pytest.mark.parametrize("email", list(SCREENS))
def test_each_login_sees_real_data_on_its_screens(demo, email):
    """Signed in as this login, does any screen greet me with an empty state?"""
    client = _login(demo, email)
    ids = {
        "qamar": demo.brand_ids[QAMAR],
        "atlas": demo.brand_ids[ATLAS],
        "qamar_plan": demo.plan_ids[QAMAR],
        "atlas_plan": demo.plan_ids[ATLAS],
    }
    for template in SCREENS[email]:
        path = template.format(**ids)
        page = client.get(path, follow_redirects=True)
        assert page.status_code == 200, (email, path, page.status_code)
        assert 'class="empty-state' not in page.text, (email, path)
        for words in NOTHING_YET:
            assert words not in page.text, (email, path, words)


def test_atlas_leader_sees_the_approved_plan_and_its_content_calendar(demo):
    client = _login(demo, ATLAS_LEADER_EMAIL)

    plan_page = client.get(f"/plans/{demo.plan_ids[ATLAS]}")
    calendar = client.get(f"/brands/{demo.brand_ids[ATLAS]}/calendar")

    assert plan_page.status_code == 200
    assert "Summer Trail Series" in plan_page.text and "Ask Atlas care desk" in plan_page.text
    assert calendar.status_code == 200
    assert "Trail Club Challenge" in calendar.text or "Summer Trail Series" in calendar.text


def test_qamar_team_reads_shared_comments_but_never_internal_ones(demo):
    client = _login(demo, QAMAR_TEAM_EMAIL)
    with demo.app.app_context(), demo.scope():
        review_id = db.session.scalar(
            select(Review.id).where(Review.plan_id == demo.plan_ids[QAMAR])
        )

    page = client.get(f"/reviews/{review_id}")

    assert page.status_code == 200
    text = _text(page.text)
    for comment in QAMAR_REVIEW_1.comments:
        if comment.shared:
            assert comment.body in text, comment.body
        else:
            assert comment.body not in page.text


# --- the data behind the screens --------------------------------------------------------------


def test_each_brand_has_goals_on_track_at_risk_and_behind_with_check_ins(demo):
    with demo.app.app_context(), demo.scope():
        for name, brand_id in demo.brand_ids.items():
            brand = db.session.scalar(select(Brand).where(Brand.id == brand_id))
            goals = list(db.session.scalars(select(Goal).where(Goal.brand_id == brand_id)))
            rows = goals_service.rows(goals, goals_service.brand_today(brand))
            statuses = {row.progress.status for row in rows}
            assert 3 <= len(goals) <= 5, name
            assert {"on_track", "at_risk", "behind"} <= statuses, (name, statuses)
            for goal in goals:
                checkins = db.session.scalar(
                    select(func.count(GoalCheckin.id)).where(GoalCheckin.goal_id == goal.id)
                )
                assert checkins >= 3, (name, goal.title)


def test_each_brand_has_two_audiences_with_network_shares_and_who_engages(demo):
    with demo.app.app_context(), demo.scope():
        for name, brand_id in demo.brand_ids.items():
            audiences = list(
                db.session.scalars(select(Audience).where(Audience.brand_id == brand_id))
            )
            assert len(audiences) == 2, name
            for audience in audiences:
                assert audience.engages and audience.engages.strip()
                shares = [row["share"] for row in audience.networks]
                assert len(shares) >= 3 and 99 <= sum(shares) <= 100


def test_qamar_revision_1_was_judged_commented_and_sent_back(demo):
    with demo.app.app_context(), demo.scope():
        plan_id = demo.plan_ids[QAMAR]
        review = db.session.scalar(
            select(Review).where(Review.plan_id == plan_id, Review.status == "completed")
        )
        revision = reviews_service.revision_of(review)
        findings = list(db.session.scalars(select(Finding).where(Finding.review_id == review.id)))
        comments = list(
            db.session.scalars(select(ReviewComment).where(ReviewComment.review_id == review.id))
        )
        waiting = db.session.scalar(
            select(func.count(Review.id)).where(Review.plan_id == plan_id, Review.id != review.id)
        )
    assert revision.number == 1 and review.verdict == "needs_changes"
    assert {f.state for f in findings} == {"accepted", "dismissed"}
    assert all(f.dismiss_reason for f in findings if f.state == "dismissed")
    assert {c.shared for c in comments} == {True, False}
    assert any(c.campaign_id for c in comments) and any(c.goal_id for c in comments)
    assert review.recommendations
    assert waiting == 0  # revision 2 waits for the consultant to open its review


def test_atlas_plan_is_approved_with_a_few_weeks_of_calendar(demo):
    with demo.app.app_context(), demo.scope():
        plan = db.session.scalar(select(Plan).where(Plan.id == demo.plan_ids[ATLAS]))
        revision_id = db.session.scalar(
            select(PlanRevision.id).where(PlanRevision.plan_id == plan.id)
        )
        days = list(
            db.session.scalars(
                select(CalendarItem.date).where(CalendarItem.revision_id == revision_id)
            )
        )
        verdict = db.session.scalar(select(Review.verdict).where(Review.plan_id == plan.id))
    assert plan.status == "approved" and verdict == "aligned"
    assert len(days) >= 20 and (max(days) - min(days)).days >= 21


def test_reports_are_ready_pdfs_in_arabic_and_english(demo):
    with demo.app.app_context(), demo.scope():
        reports = {
            name: db.session.scalar(
                select(Report).where(Report.brand_id == brand_id, Report.status == "ready")
            )
            for name, brand_id in demo.brand_ids.items()
        }
        files = {name: reports_service.file_for(report) for name, report in reports.items()}
    assert reports[QAMAR].locale == "ar" and reports[ATLAS].locale == "en"
    for name, path in files.items():
        data = path.read_bytes()
        assert data.startswith(b"%PDF") and reports[name].pages >= 2
    arabic = "\n".join(
        page.extract_text() or "" for page in PdfReader(io.BytesIO(files[QAMAR].read_bytes())).pages
    )
    assert "الأهداف" in arabic


def test_share_link_opens_the_arabic_report_without_an_account(demo):
    token = re.search(r"http://tandem\.test/r/([A-Za-z0-9_-]{20,})", demo.output).group(1)

    resp = demo.app.test_client().get(f"/r/{token}")

    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf" and resp.data.startswith(b"%PDF")


# --- team capability --------------------------------------------------------------------------


def test_qamar_team_has_a_tiktok_gap_its_short_video_campaigns_trip(demo):
    """Nobody on Qamar's team is past "aware" in TikTok or short video; the review of the
    plan raised it, and the next business review's agenda puts it to leadership."""
    from saas.models import AgendaItem, StrategySession
    from saas.models.capability import LearningItem, TeamMember
    from saas.services import learning
    from saas.services.capability import team_ratings

    with demo.app.app_context(), demo.scope():
        brand_id = demo.brand_ids[QAMAR]
        members = list(
            db.session.scalars(select(TeamMember).where(TeamMember.brand_id == brand_id))
        )
        team_user = db.session.scalar(
            select(func.count())
            .select_from(TeamMember)
            .join(Membership, Membership.user_id == TeamMember.user_id)
            .where(TeamMember.brand_id == brand_id)
        )
        ratings = team_ratings(brand_id)
        findings = list(
            db.session.scalars(
                select(Finding)
                .join(Review, Review.id == Finding.review_id)
                .where(Review.plan_id == demo.plan_ids[QAMAR], Finding.rule == "capability_gap")
            )
        )
        budget = learning.current_budget(brand_id)
        partner = db.session.scalar(
            select(LearningItem).where(
                LearningItem.brand_id == brand_id, LearningItem.format == "partner_session"
            )
        )
        training = db.session.scalar(
            select(StrategySession).where(StrategySession.id == partner.session_id)
        )
        qbr = db.session.scalar(
            select(StrategySession).where(
                StrategySession.brand_id == brand_id,
                StrategySession.kind == "quarterly_business_review",
                StrategySession.status == "scheduled",
            )
        )
        agenda = list(
            db.session.scalars(
                select(AgendaItem.title).where(
                    AgendaItem.session_id == qbr.id, AgendaItem.source_kind == "capability"
                )
            )
        )
    assert 3 <= len(members) <= 5 and team_user == 1
    assert ratings["tiktok"] <= 1 and ratings["short_video"] <= 1
    assert ratings["instagram"] >= 3
    assert {f.params["skill"] for f in findings} >= {"tiktok", "short_video"}
    assert all(f.state == "accepted" for f in findings)
    assert budget.hours_per_person_per_month == 4.0
    assert training.kind == "training" and training.status == "scheduled"
    assert partner.status == "planned" and partner.skill_key in ("tiktok", "short_video")
    assert agenda and "زيادة الطلبات عبر الإنترنت" in agenda[0]


def test_qamar_leader_sees_the_team_capability_card_in_arabic(demo):
    client = _login(demo, QAMAR_LEADER_EMAIL)
    page = client.get(f"/brands/{demo.brand_ids[QAMAR]}").text
    card = re.search(r'<section class="card capability-card".*?</section>', page, re.S)
    assert card, "no capability card on the leader's landing page"
    text = card.group(0)
    assert "قدرات الفريق" in text and "تيك توك" in text and "الفيديو القصير" in text
    assert "إنستغرام" in text  # a strength
    assert "<progress" in text and "empty-state" not in text
