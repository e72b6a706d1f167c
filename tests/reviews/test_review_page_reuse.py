"""The review page reuses rendered card bodies, within a request and across requests
(saas/web/reviews/rendering.py): every change a reader can make or see must show on the
very next request, and the page loads in a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from saas.extensions import db
from saas.models import Goal, User
from saas.models.reviews import Finding, Review
from saas.web.reviews import rendering
from tenants.context import tenant_scope
from tests.factories import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="[^"]*"')

# The session's three (user session, membership, brand links; the consultant's switcher
# comes from the brand links) plus the page's five:
# the review with its brand, plan and revision; its findings with their deciders' names;
# its comments with their authors' names; the revision's campaigns with the brand's goals.
REVIEW_PAGE_QUERIES = 7


@pytest.fixture(autouse=True)
def _fresh_store():
    rendering.forget_kept()
    yield
    rendering.forget_kept()


def _open(login_as, alpha, plan_id: int):
    client = login_as(alpha.consultant)
    assert client.post(f"/plans/{plan_id}/reviews").status_code == 303
    with tenant_scope(alpha.agency.id):
        review_id = db.session.scalar(select(Review.id).where(Review.plan_id == plan_id))
        findings = db.session.scalars(
            select(Finding).where(Finding.review_id == review_id).order_by(Finding.id)
        ).all()
        ids = [f.id for f in findings]
    return client, review_id, ids


def _page(client, review_id: int) -> str:
    resp = client.get(f"/reviews/{review_id}")
    assert resp.status_code == 200
    return CSRF.sub("", resp.get_data(as_text=True))


def _card(html: str, finding_id: int, ref: bool = False) -> str:
    anchor = f'id="finding-{finding_id}{"-ref" if ref else ""}"'
    start = html.rindex("<li", 0, html.index(anchor))
    return html[start : html.index("</li>", start)]


def _set_locale(alpha, locale: str) -> None:
    with tenant_scope(alpha.agency.id):
        db.session.execute(update(User).values(locale=locale))
        db.session.commit()


def test_a_page_from_kept_bodies_is_the_page_rendered_afresh(login_as, alpha, submitted_broken):
    client, review_id, ids = _open(login_as, alpha, submitted_broken.plan_id)
    client.post(
        f"/reviews/{review_id}/findings/{ids[0]}", data={"decision": "dismiss", "reason": "No"}
    )
    client.post(f"/reviews/{review_id}/findings/{ids[1]}", data={"decision": "accept"})
    fresh = _page(client, review_id)
    assert rendering.kept_size() > 0 and len(rendering.sections) == 1
    again = _page(client, review_id)  # the sections, every card in them, from the store
    rendering.forget_kept()
    assert again == fresh == _page(client, review_id)


def test_no_form_token_is_kept_across_requests(login_as, alpha, submitted_broken):
    """Card bodies are served to other readers: the accept and dismiss forms, with the
    reader's CSRF token, are rendered per request and never kept."""
    client, review_id, _ids = _open(login_as, alpha, submitted_broken.plan_id)
    page = client.get(f"/reviews/{review_id}").get_data(as_text=True)
    assert 'name="csrf_token"' in page and 'data-judge="accept"' in page
    kept = list(rendering._kept.values())
    assert kept
    for body in kept:
        assert "csrf" not in body and "<form" not in body


def test_a_decision_shows_on_the_next_request(login_as, alpha, submitted_broken):
    client, review_id, ids = _open(login_as, alpha, submitted_broken.plan_id)
    before = _card(_page(client, review_id), ids[0])
    assert "finding-open" in before and "Dismissed by" not in before

    client.post(
        f"/reviews/{review_id}/findings/{ids[0]}",
        data={"decision": "dismiss", "reason": "Agreed at kick-off"},
    )
    card = _card(_page(client, review_id), ids[0])
    assert "finding-dismissed" in card
    assert "Dismissed by <bdi>Alpha Consultant</bdi>:" in card
    assert "Agreed at kick-off" in card

    client.post(f"/reviews/{review_id}/findings/{ids[0]}", data={"decision": "accept"})
    card = _card(_page(client, review_id), ids[0])
    assert "Accepted by <bdi>Alpha Consultant</bdi>." in card
    assert "Agreed at kick-off" not in card


def test_a_renamed_decider_shows_on_the_next_request(login_as, alpha, submitted_broken):
    client, review_id, ids = _open(login_as, alpha, submitted_broken.plan_id)
    client.post(f"/reviews/{review_id}/findings/{ids[0]}", data={"decision": "accept"})
    assert "Accepted by <bdi>Alpha Consultant</bdi>." in _card(_page(client, review_id), ids[0])
    with tenant_scope(alpha.agency.id):
        db.session.execute(
            update(User).where(User.id == alpha.consultant.user_id).values(name="Dana Reviewer")
        )
        db.session.commit()
    assert "Accepted by <bdi>Dana Reviewer</bdi>." in _card(_page(client, review_id), ids[0])


def test_another_language_shows_on_the_next_request(login_as, alpha, submitted_broken):
    client, review_id, ids = _open(login_as, alpha, submitted_broken.plan_id)
    english = _page(client, review_id)
    assert "How to fix it:" in english and "To decide" in english
    _set_locale(alpha, "ar")
    arabic = _page(client, review_id)
    assert "How to fix it:" not in arabic and "To decide" not in arabic
    assert "طريقة المعالجة:" in arabic and "بانتظار القرار" in arabic and "الدرس:" in arabic
    _set_locale(alpha, "en")
    assert _page(client, review_id) == english


def test_client_users_never_get_the_staff_cards(login_as, alpha, submitted_broken):
    client, review_id, ids = _open(login_as, alpha, submitted_broken.plan_id)
    resp = client.post(
        f"/reviews/{review_id}/findings/accept-all", data={"remaining": str(len(ids))}
    )
    assert resp.status_code == 303
    assert client.post(f"/reviews/{review_id}/complete", data={"verdict": "aligned"}).status_code
    staff_card = _card(_page(client, review_id), ids[0])  # the staff body is now kept
    assert "Accepted by" in staff_card and 'class="badge badge-ok">Accepted' in staff_card
    assert "finding-learn" in staff_card

    leader = login_as(alpha.leader)
    card = _card(_page(leader, review_id), ids[0])
    assert "Accepted by" not in card and 'class="badge badge-ok">Accepted' not in card
    assert "finding-learn" not in card


def test_a_new_comment_shows_on_the_next_request(login_as, alpha, submitted_broken):
    client, review_id, _ids = _open(login_as, alpha, submitted_broken.plan_id)
    assert "A note for later" not in _page(client, review_id)
    client.post(f"/reviews/{review_id}/comments", data={"body": "A note for later", "shared": "no"})
    assert "A note for later" in _page(client, review_id)


def test_the_store_is_bounded(login_as, alpha, submitted_broken, monkeypatch):
    client, review_id, ids = _open(login_as, alpha, submitted_broken.plan_id)
    fresh = _page(client, review_id)
    monkeypatch.setattr(rendering, "KEPT_MAX", 3)
    rendering.forget_kept()
    assert len(ids) > 3
    assert _page(client, review_id) == fresh
    assert rendering.kept_size() <= 3


def test_the_review_page_loads_in_a_fixed_number_of_queries(
    login_as, alpha, submitted_broken, count_queries
):
    client, review_id, ids = _open(login_as, alpha, submitted_broken.plan_id)
    client.post(f"/reviews/{review_id}/findings/{ids[0]}", data={"decision": "accept"})
    client.post(f"/reviews/{review_id}/comments", data={"body": "Shared", "shared": "yes"})
    _page(client, review_id)  # warm
    with count_queries() as counter:
        _page(client, review_id)
    assert counter.count == REVIEW_PAGE_QUERIES


def _decide_token(html: str, finding_id: int) -> str:
    form = re.search(
        rf'action="/reviews/\d+/findings/{finding_id}" data-judge="accept">\s*'
        r'<input type="hidden" name="csrf_token" value="([^"]+)"',
        html,
    )
    assert form, "no accept form for the finding"
    return form.group(1)


def test_each_reader_gets_their_own_form_token_from_the_kept_sections(
    login_as, alpha, submitted_broken, db_app, monkeypatch
):
    """The kept sections hold a placeholder, never a token: the second reader's page comes
    from the store with the second reader's token, and each token works for its reader
    only (real CSRF checks)."""
    first, review_id, ids = _open(login_as, alpha, submitted_broken.plan_id)
    second = db_app.test_client()
    assert second.post(
        "/login", data={"email": alpha.owner.user.email, "password": PASSWORD}
    ).status_code in (302, 303)
    monkeypatch.setitem(db_app.config, "WTF_CSRF_ENABLED", True)

    page_one = first.get(f"/reviews/{review_id}").get_data(as_text=True)
    assert len(rendering.sections) == 1
    page_two = second.get(f"/reviews/{review_id}").get_data(as_text=True)
    assert len(rendering.sections) == 1  # the owner's page used the consultant's sections
    for page in (page_one, page_two):
        assert rendering.CSRF_SLOT not in page
    for kept in rendering.sections._entries.values():
        text = kept[0]
        assert rendering.CSRF_SLOT in text
        assert _decide_token(page_one, ids[0]) not in text
    token_one, token_two = _decide_token(page_one, ids[0]), _decide_token(page_two, ids[0])
    assert token_one != token_two

    url = f"/reviews/{review_id}/findings/{ids[0]}"
    swapped = second.post(url, data={"decision": "accept", "csrf_token": token_one})
    assert swapped.status_code == 400
    own = second.post(url, data={"decision": "accept", "csrf_token": token_two})
    assert own.status_code == 303


def test_a_renamed_goal_and_a_changed_score_show_on_the_next_request(
    login_as, alpha, submitted_broken
):
    client, review_id, ids = _open(login_as, alpha, submitted_broken.plan_id)
    before = _page(client, review_id)
    with tenant_scope(alpha.agency.id):
        goal = db.session.scalars(select(Goal).where(Goal.brand_id == alpha.brand.id)).first()
        assert f"<bdi>{goal.title}</bdi>" in before
        goal.title = "Renamed goal for the board"
        db.session.commit()
    after = _page(client, review_id)
    assert "<bdi>Renamed goal for the board</bdi>" in after

    with tenant_scope(alpha.agency.id):
        review = db.session.get(Review, review_id)
        cid = next(iter(review.campaign_scores))
        review.campaign_scores = {**review.campaign_scores, cid: 3}
        db.session.commit()
    score = re.search(rf'id="score-campaign-{cid}">([^<]*)<', _page(client, review_id))
    assert score and score.group(1) == "score 3"


def test_the_remembered_sharing_choice_shows_on_the_next_request(login_as, alpha, submitted_broken):
    client, review_id, _ids = _open(login_as, alpha, submitted_broken.plan_id)
    assert "Preselected: your answer last time." not in _page(client, review_id)
    with tenant_scope(alpha.agency.id):  # nothing else on the page changes
        db.session.execute(
            update(User).where(User.id == alpha.consultant.user_id).values(share_comments=False)
        )
        db.session.commit()
    page = _page(client, review_id)
    assert "Preselected: your answer last time." in page
    assert 'value="no" required checked' in page


def test_completing_the_review_takes_its_forms_away_on_the_next_request(
    login_as, alpha, submitted_broken
):
    client, review_id, ids = _open(login_as, alpha, submitted_broken.plan_id)
    client.post(f"/reviews/{review_id}/findings/accept-all", data={"remaining": str(len(ids))})
    assert "Add a comment" in _page(client, review_id)  # kept, with the forms
    assert client.post(f"/reviews/{review_id}/complete", data={"verdict": "aligned"}).status_code
    page = _page(client, review_id)
    assert "Add a comment" not in page and 'data-judge="dismiss"' not in page


def test_a_rejected_comment_is_shown_once_and_never_kept(login_as, alpha, submitted_broken):
    client, review_id, _ids = _open(login_as, alpha, submitted_broken.plan_id)
    _page(client, review_id)
    kept = len(rendering.sections)
    resp = client.post(
        f"/reviews/{review_id}/comments", data={"body": "Typed but unshared", "shared": ""}
    )
    assert resp.status_code == 422
    assert "Typed but unshared" in resp.get_data(as_text=True)
    assert len(rendering.sections) == kept
    assert "Typed but unshared" not in _page(client, review_id)


def test_a_review_without_findings_shows_in_each_readers_language(login_as, alpha, persisted):
    """No finding, so no card carries the language: the kept sections must still be one
    per language (an Arabic reader was once served the English sections)."""
    persisted.save("corrected_plan", alpha.team)
    persisted.move("submitted", alpha.team)
    client, review_id, ids = _open(login_as, alpha, persisted.plan_id)
    assert ids == []
    english = _page(client, review_id)
    assert "Findings by campaign" in english
    _set_locale(alpha, "ar")
    arabic = _page(client, review_id)
    assert "Findings by campaign" not in arabic and "No findings on this campaign." not in arabic
    assert "الملاحظات حسب الحملة" in arabic
