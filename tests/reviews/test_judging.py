"""Judging at the speed of thought: one finding at a time by fetch (JSON) or by a plain form
(redirect to its anchor), "accept all remaining" behind a confirmation, rule names in
words, and the comment form's explicit, remembered "Visible to the client?"."""

from __future__ import annotations

import re

from sqlalchemy import select

from saas.domain.alignment import messages
from saas.extensions import db
from saas.models import AuditEvent, User
from saas.models.reviews import Finding, Review, ReviewComment
from tenants.context import system_scope, tenant_scope
from tests.mailbox import inbox

JSON = {"Accept": "application/json"}


def _open(login_as, alpha, plan_id):
    client = login_as(alpha.consultant)
    assert client.post(f"/plans/{plan_id}/reviews").status_code == 303
    with tenant_scope(alpha.agency.id):
        review_id = db.session.scalar(select(Review.id).where(Review.plan_id == plan_id))
    return client, review_id


def _findings(alpha, review_id):
    with tenant_scope(alpha.agency.id):
        return db.session.scalars(
            select(Finding)
            .where(Finding.review_id == review_id)
            .order_by(Finding.id)
            .execution_options(populate_existing=True)
        ).all()


def _review(alpha, review_id) -> Review:
    with tenant_scope(alpha.agency.id):
        return db.session.scalar(
            select(Review).where(Review.id == review_id).execution_options(populate_existing=True)
        )


def _audit(alpha, action):
    with tenant_scope(alpha.agency.id):
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _visible_text(html: str) -> str:
    """What a person reads: the page without its tags (attribute values go with them)."""
    return re.sub(r"<[^>]+>", " ", html)


# --- one finding: JSON for the script, a redirect for the plain form --------------------------


def test_accept_by_fetch_answers_json_with_the_card_and_the_summary(
    login_as, alpha, submitted_broken
):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    findings = _findings(alpha, review_id)
    target = findings[0]

    resp = client.post(
        f"/reviews/{review_id}/findings/{target.id}", data={"decision": "accept"}, headers=JSON
    )

    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    data = resp.get_json()
    assert f"finding-{target.id}" in data["cards"]
    card = data["cards"][f"finding-{target.id}"]
    assert card.lstrip().startswith('<li class="card stack finding finding-accepted"')
    assert "Accepted by" in card and 'value="accept"' not in card  # no second accept button
    assert "Dismiss finding" in card  # the consultant can still change their mind
    assert data["counts"] == {"open": len(findings) - 1, "accepted": 1, "dismissed": 0}
    assert 'id="review-summary"' in data["summary"]
    assert f"<strong>{len(findings) - 1}</strong>" in data["summary"]
    assert data["score"] == _review(alpha, review_id).score
    assert data["message"].startswith("Finding accepted.")
    assert f"{len(findings) - 1} findings still to decide." in data["message"]
    assert all(key.startswith("score-") for key in data["scores"])
    assert _findings(alpha, review_id)[0].state == "accepted"


def test_x_requested_with_also_gets_json(login_as, alpha, submitted_broken):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    target = _findings(alpha, review_id)[0]
    resp = client.post(
        f"/reviews/{review_id}/findings/{target.id}",
        data={"decision": "dismiss", "reason": "Agreed with the client"},
        headers={"X-Requested-With": "fetch"},
    )
    assert resp.status_code == 200
    card = resp.get_json()["cards"][f"finding-{target.id}"]
    assert "finding-dismissed" in card and "Agreed with the client" in card
    assert resp.get_json()["message"].startswith("Finding dismissed.")


def test_plain_form_post_redirects_back_to_the_findings_anchor(login_as, alpha, submitted_broken):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    target = _findings(alpha, review_id)[1]
    resp = client.post(f"/reviews/{review_id}/findings/{target.id}", data={"decision": "accept"})
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/reviews/{review_id}#finding-{target.id}")
    assert _findings(alpha, review_id)[1].state == "accepted"


def test_dismiss_without_reason_is_a_422_with_fields_by_fetch(login_as, alpha, submitted_broken):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    target = _findings(alpha, review_id)[0]
    resp = client.post(
        f"/reviews/{review_id}/findings/{target.id}",
        data={"decision": "dismiss", "reason": "   "},
        headers=JSON,
    )
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert error["fields"] == {"reason": "Give a reason for dismissing this finding."}
    assert _findings(alpha, review_id)[0].state == "open"


def test_dismiss_without_reason_by_plain_form_shows_the_error_at_the_field(
    login_as, alpha, submitted_broken
):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    target = _findings(alpha, review_id)[0]
    resp = client.post(
        f"/reviews/{review_id}/findings/{target.id}", data={"decision": "dismiss", "reason": ""}
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert f'<p class="error" id="reason-{target.id}-error">' in html
    assert f'aria-describedby="reason-{target.id}-error"' in html


def test_a_completed_review_refuses_judging_by_fetch_with_json(login_as, alpha, submitted_broken):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    for f in _findings(alpha, review_id):
        client.post(f"/reviews/{review_id}/findings/{f.id}", data={"decision": "accept"})
    assert (
        client.post(f"/reviews/{review_id}/complete", data={"verdict": "needs_changes"}).status_code
        == 303
    )
    target = _findings(alpha, review_id)[0]
    resp = client.post(
        f"/reviews/{review_id}/findings/{target.id}",
        data={"decision": "dismiss", "reason": "Late change of mind"},
        headers=JSON,
    )
    assert resp.status_code == 409
    assert resp.get_json()["error"]["message"]


# --- accept all remaining ----------------------------------------------------------------------


def test_accept_all_remaining_asks_first_then_accepts_every_open_finding(
    login_as, alpha, submitted_broken
):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    findings = _findings(alpha, review_id)
    assert len(findings) >= 3
    client.post(
        f"/reviews/{review_id}/findings/{findings[0].id}",
        data={"decision": "dismiss", "reason": "Agreed exception"},
    )
    remaining = len(findings) - 1

    # The confirmation step: a closed <details> whose summary says how many; the submit
    # button ("Yes, accept N findings") is only inside it.
    html = client.get(f"/reviews/{review_id}").get_data(as_text=True)
    block = html[html.index('<details class="accept-all"') :]
    block = block[: block.index("</details>")]
    assert f"Accept all {remaining} remaining findings…" in block
    assert f'name="remaining" value="{remaining}"' in block
    assert f"Yes, accept {remaining} findings" in block
    assert '<details class="accept-all" id="accept-all">' in html  # closed until asked

    # The score is recomputed (tamper with the stored one to see it happen).
    expected_score = _review(alpha, review_id).score
    with tenant_scope(alpha.agency.id):
        review = db.session.scalar(select(Review).where(Review.id == review_id))
        review.score = 1
        db.session.commit()

    resp = client.post(
        f"/reviews/{review_id}/findings/accept-all", data={"remaining": str(remaining)}
    )
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/reviews/{review_id}#verdict")
    states = [f.state for f in _findings(alpha, review_id)]
    assert states == ["dismissed"] + ["accepted"] * remaining
    assert _review(alpha, review_id).score == expected_score

    # One audit event for the whole step, naming every finding it accepted.
    events = _audit(alpha, "review.findings_accepted_all")
    assert len(events) == 1
    assert events[0].details["count"] == remaining
    assert sorted(events[0].details["finding_ids"]) == [f.id for f in findings[1:]]
    assert _audit(alpha, "review.finding_accepted") == []

    page = client.get(f"/reviews/{review_id}").get_data(as_text=True)
    assert f"{remaining} findings accepted." in page
    assert 'class="accept-all"' not in page  # nothing left to accept


def test_accept_all_refuses_when_the_findings_changed_since_the_confirmation(
    login_as, alpha, submitted_broken
):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    findings = _findings(alpha, review_id)
    resp = client.post(
        f"/reviews/{review_id}/findings/accept-all", data={"remaining": str(len(findings) + 1)}
    )
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert 'id="accept-all-error"' in html and "The findings changed since you confirmed" in html
    assert {f.state for f in _findings(alpha, review_id)} == {"open"}
    assert _audit(alpha, "review.findings_accepted_all") == []


def test_accept_all_by_fetch_answers_every_card(login_as, alpha, submitted_broken):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    findings = _findings(alpha, review_id)
    resp = client.post(
        f"/reviews/{review_id}/findings/accept-all",
        data={"remaining": str(len(findings))},
        headers=JSON,
    )
    assert resp.status_code == 200
    data = resp.get_json()
    assert {f"finding-{f.id}" for f in findings} <= set(data["cards"])
    assert data["counts"]["open"] == 0 and data["open_hint"] == ""
    assert data["message"].startswith(f"{len(findings)} findings accepted.")
    assert 'class="accept-all"' not in data["summary"]


def test_client_users_cannot_accept_all(login_as, alpha, submitted_broken):
    _client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    leader = login_as(alpha.leader)
    resp = leader.post(f"/reviews/{review_id}/findings/accept-all", data={"remaining": "1"})
    assert resp.status_code in (403, 404)
    assert {f.state for f in _findings(alpha, review_id)} == {"open"}


# --- rule names in words ---------------------------------------------------------------------


def test_findings_show_rule_names_in_words_and_ids_only_as_tooltips(
    login_as, alpha, submitted_broken
):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    rules = {f.rule for f in _findings(alpha, review_id)}
    assert "calendar_gap" in rules or len(rules) >= 3

    html = client.get(f"/reviews/{review_id}").get_data(as_text=True)
    text = _visible_text(html)
    for rule in rules:
        assert f'title="{rule}"' in html
        assert messages.rule_name(rule, "en") in text
        assert rule not in text, f"raw rule id {rule!r} shown to people"
    for path in (f"/reviews/{review_id}/matrix", f"/plans/{submitted_broken.plan_id}/scores"):
        text = _visible_text(client.get(path).get_data(as_text=True))
        for rule in rules:
            assert rule not in text


def test_rule_names_read_in_arabic(login_as, alpha, submitted_broken):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    with system_scope():
        user = db.session.scalar(select(User).where(User.id == alpha.consultant.user_id))
        user.locale = "ar"
        db.session.commit()
    rules = {f.rule for f in _findings(alpha, review_id)}
    html = client.get(f"/reviews/{review_id}").get_data(as_text=True)
    text = _visible_text(html)
    assert 'dir="rtl"' in html
    for rule in rules:
        assert messages.rule_name(rule, "ar") in text
        assert rule not in text


# --- "Visible to the client?", asked and remembered ---------------------------------------------


def _share_radios(html: str, suffix: str = "plan") -> list[str]:
    form = html[html.index(f'id="body-{suffix}"') :]
    form = form[: form.index("</form>")]
    return re.findall(r'<input type="radio" name="shared"[^>]*>', form)


def _share_choice(alpha):
    with system_scope():
        return db.session.scalar(
            select(User.share_comments)
            .where(User.id == alpha.consultant.user_id)
            .execution_options(populate_existing=True)
        )


def test_comment_form_asks_visible_to_the_client_and_remembers_the_answer(
    login_as, alpha, submitted_broken
):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    html = client.get(f"/reviews/{review_id}").get_data(as_text=True)
    assert "Visible to the client?" in html
    assert 'type="checkbox" name="shared"' not in html
    radios = _share_radios(html)
    assert len(radios) == 2 and not any("checked" in r for r in radios)  # first time: no default
    assert _share_choice(alpha) is None

    # Not answered: a clear error next to the question, nothing saved.
    resp = client.post(f"/reviews/{review_id}/comments", data={"body": "Forgot to choose"})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert '<p class="error" id="shared-plan-error">' in page
    assert "Choose whether the client sees this comment." in page
    assert "Forgot to choose" in page  # what they typed is kept
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(ReviewComment.id)) is None

    # Answered "yes": saved as shared, and remembered.
    resp = client.post(
        f"/reviews/{review_id}/comments", data={"body": "For the client", "shared": "yes"}
    )
    assert resp.status_code == 303
    assert _share_choice(alpha) is True
    radios = _share_radios(client.get(f"/reviews/{review_id}").get_data(as_text=True))
    assert [("checked" in r) for r in radios] == [True, False]

    # Answered "no" next time: internal, and now that is the remembered answer.
    client.post(f"/reviews/{review_id}/comments", data={"body": "Internal", "shared": "no"})
    assert _share_choice(alpha) is False
    radios = _share_radios(client.get(f"/reviews/{review_id}").get_data(as_text=True))
    assert [("checked" in r) for r in radios] == [False, True]
    with tenant_scope(alpha.agency.id):
        rows = db.session.scalars(select(ReviewComment).order_by(ReviewComment.id)).all()
        assert [(c.body, c.shared) for c in rows] == [("For the client", True), ("Internal", False)]


def test_the_remembered_answer_is_per_consultant(login_as, alpha, submitted_broken):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    client.post(f"/reviews/{review_id}/comments", data={"body": "Mine", "shared": "yes"})
    client.post("/logout")
    owner = login_as(alpha.owner)
    radios = _share_radios(owner.get(f"/reviews/{review_id}").get_data(as_text=True))
    assert not any("checked" in r for r in radios)


# --- line breaks and lists in people's text -------------------------------------------------------


def test_comments_and_recommendations_keep_lines_and_lists(login_as, alpha, submitted_broken):
    client, review_id = _open(login_as, alpha, submitted_broken.plan_id)
    client.post(
        f"/reviews/{review_id}/comments",
        data={"body": "First line\nsecond line <b>bold?</b>", "shared": "yes"},
    )
    for f in _findings(alpha, review_id):
        client.post(f"/reviews/{review_id}/findings/{f.id}", data={"decision": "accept"})
    client.post(
        f"/reviews/{review_id}/recommendations",
        data={"recommendations": "Next quarter:\n1. Add customer care\n2. Fix the KPIs\n\nThanks"},
    )
    client.post(f"/reviews/{review_id}/complete", data={"verdict": "needs_changes"})
    html = client.get(f"/reviews/{review_id}").get_data(as_text=True)
    assert "<p>First line<br>\nsecond line &lt;b&gt;bold?&lt;/b&gt;</p>" in html
    assert "<p>Next quarter:</p>\n<ol><li>Add customer care</li><li>Fix the KPIs</li></ol>" in html
    assert "<p>Thanks</p>" in html

    # The e-mail to the client team keeps the list too (its HTML part).
    mails = [m for m in inbox("team@alpha.test", wait_for=1) if m.subject.startswith("Review of")]
    assert mails
    assert "<ol><li>Add customer care</li><li>Fix the KPIs</li></ol>" in mails[0].html
