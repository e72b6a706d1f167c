"""The review page reuses rendered card bodies, within a request and across requests
(saas/web/reviews/rendering.py): every change a reader can make or see must show on the
very next request, and the page loads in a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from saas.extensions import db
from saas.models import User
from saas.models.reviews import Finding, Review
from saas.web.reviews import rendering
from tenants.context import tenant_scope

CSRF = re.compile(r'name="csrf_token" value="[^"]*"')

# The session's own (user session, membership, brand switcher, ...) plus the page's five:
# the review with its brand, plan and revision; its findings with their deciders' names;
# its comments with their authors' names; the revision's campaigns; the brand's goals.
REVIEW_PAGE_QUERIES = 9


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
    assert rendering.kept_size() > 0
    again = _page(client, review_id)  # every body from the store
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
