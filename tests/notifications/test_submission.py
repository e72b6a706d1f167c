"""When a plan is submitted, who is emailed, in which language, with what link?

The same chain as review reminders: the plan's reviewer; else the brand's consultants;
else the consultants who see every brand; else the owners.
"""

from __future__ import annotations

from sqlalchemy import select

from saas.extensions import db
from saas.models import BrandAccess, OutboxMessage
from saas.services import notifications, reminders
from tenants.context import tenant_scope
from tests.factories import brand, member, user
from tests.mailbox import inbox, last_to
from tests.notifications.conftest import delivered, draft_plan, html_of, set_locale, submit


def submitted_mail(world) -> list[OutboxMessage]:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return list(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "plan_submitted")
                .order_by(OutboxMessage.to_email)
            )
        )


def test_team_submits_in_the_browser_and_the_brands_consultant_is_emailed(alpha, login_as):
    client = login_as(alpha.team)
    resp = client.post(
        f"/brands/{alpha.brand.id}/plans/new",
        data={"title": "Q2 plan", "period_start": "2027-03-01", "period_end": "2027-05-31"},
    )
    plan_id = int(resp.headers["Location"].rsplit("/", 1)[1])

    resp = client.post(f"/plans/{plan_id}/transition", data={"to": "submitted"})

    assert resp.status_code == 302
    message = last_to("consultant@alpha.test")
    assert message.subject == "Ready for your review: Q2 plan (Alpha Brand One)"
    assert "Alpha Team submitted the social plan “Q2 plan” for Alpha Brand One" in message.text
    assert f"http://tandem.test/plans/{plan_id}" in message.text
    assert f'href="http://tandem.test/plans/{plan_id}"' in message.html
    # Nobody else: not the owner (a consultant is there), not the person who submitted.
    assert [m.to_email for m in submitted_mail(alpha)] == ["consultant@alpha.test"]


def test_the_plans_reviewer_alone_is_emailed(alpha):
    second = member(alpha.agency, "consultant", user("second@alpha.test"), brands=[alpha.brand])
    db.session.commit()

    submit(alpha, draft_plan(alpha, reviewer=second))

    assert [m.to_email for m in submitted_mail(alpha)] == ["second@alpha.test"]
    assert last_to("second@alpha.test").subject.startswith("Ready for your review")


def test_every_consultant_of_the_brand_is_emailed_when_nobody_is_named(alpha):
    member(alpha.agency, "consultant", user("second@alpha.test"), brands=[alpha.brand])
    member(alpha.agency, "consultant", user("elsewhere@alpha.test"), brands=[alpha.other_brand])
    db.session.commit()

    submit(alpha, draft_plan(alpha))

    assert [m.to_email for m in submitted_mail(alpha)] == [
        "consultant@alpha.test",
        "second@alpha.test",
    ]


def test_consultants_of_all_brands_are_emailed_when_the_brand_has_none(alpha):
    lonely = brand(alpha.agency, name="Alpha Brand Three")
    member(alpha.agency, "consultant", user("everywhere@alpha.test"), all_brands=True)
    db.session.commit()

    submit(alpha, draft_plan(alpha, lonely))

    assert [m.to_email for m in submitted_mail(alpha)] == ["everywhere@alpha.test"]


def test_owners_are_emailed_when_no_consultant_can_review(alpha):
    with tenant_scope(alpha.agency.id):
        for link in db.session.scalars(select(BrandAccess)):
            if link.membership_id == alpha.consultant.id:
                db.session.delete(link)
        db.session.commit()

    submit(alpha, draft_plan(alpha))

    assert [m.to_email for m in submitted_mail(alpha)] == ["owner@alpha.test"]
    assert "Ramadan launch" in last_to("owner@alpha.test").subject


def test_the_person_who_submits_is_not_told_about_it(alpha):
    submit(alpha, draft_plan(alpha), membership=alpha.consultant)

    assert submitted_mail(alpha) == []


def test_each_agency_emails_only_its_own_people(alpha, bravo):
    submit(alpha, draft_plan(alpha))

    assert inbox("consultant@bravo.test") == []
    assert submitted_mail(bravo) == []


def test_the_email_is_in_arabic_for_an_arabic_reader(alpha):
    set_locale(alpha.consultant, "ar")

    submit(alpha, draft_plan(alpha))

    message = last_to("consultant@alpha.test")
    assert message.subject == "جاهزة لمراجعتك: Ramadan launch (Alpha Brand One)"
    assert "وهي بانتظار مراجعتك" in message.text
    assert "افتح الخطة" in message.html
    assert "أوقف هذه الرسائل" in message.text  # the footer too
    assert "أوقف هذه الرسائل" in message.html
    assert 'dir="rtl"' in message.html and 'lang="ar"' in message.html
    assert "<bdi>Ramadan launch</bdi>" in message.html  # Latin names isolated in Arabic


def test_without_a_language_of_their_own_the_brands_language_is_used(alpha):
    set_locale(alpha.consultant, None)
    with tenant_scope(alpha.agency.id):
        alpha.brand.language = "ar"
        db.session.merge(alpha.brand)
        db.session.commit()

    submit(alpha, draft_plan(alpha))

    [message] = submitted_mail(alpha)
    assert message.locale == "ar"
    assert 'dir="rtl"' in html_of(delivered("consultant@alpha.test")[-1])


def test_reminders_use_the_same_chain():
    """One chain for submission emails and review reminders, not two copies."""
    assert not hasattr(reminders, "_consultants_for")
    assert reminders.notifications.reviewers_for is notifications.reviewers_for
