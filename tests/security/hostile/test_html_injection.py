"""HTML injection: people's text is escaped wherever it is shown.

Issue 14 item 3.  Every free-text column of every kind of row (names, titles, notes,
judgements, agenda, minutes, skills, team members, agency and brand names...) is set to a
payload, then every page of the web is opened as the agency's owner: the payload must
appear escaped, never as markup.  E-mail bodies and subjects, and ICS invitations, are
checked in test_mail_and_ics.py; PDF reports in test_pdf_injection.py.
"""

from __future__ import annotations

from sqlalchemy import String, Text, update

from saas.extensions import db
from tenants.context import system_scope
from tests.factories import PASSWORD
from tests.tenancy._matrix import PLAIN_ARGUMENTS, build_url, discover, seed_alpha

MARK = "<i x=pwn>"
PAYLOAD = "\"'><i x=pwn>"  # breaks out of an attribute, then opens a tag

# Columns people type into.  Vocabulary, ids, hashes, statuses and URLs are not free text.
FREE_TEXT = frozenset(
    {
        "name",
        "title",
        "body",
        "brief",
        "comment",
        "description",
        "dismiss_reason",
        "duration_rationale",
        "engages",
        "industry",
        "label",
        "location",
        "minutes",
        "note",
        "notes",
        "object_label",
        "owner_name",
        "pillar",
        "recommendations",
        "reason",
        "summary_override",
        "text",
        "name_en",
        "name_ar",
        "unit",
        "scope_label",
        "user_agent",
    }
)


def poison_every_free_text_column() -> list[str]:
    """Set every free-text column of every row to PAYLOAD; returns ``Model.column`` names."""
    done = []
    with system_scope():
        for mapper in db.Model.registry.mappers:
            model = mapper.class_
            table = getattr(model, "__table__", None)
            if table is None:
                continue
            values = {
                c.name: PAYLOAD
                for c in table.columns
                if c.name in FREE_TEXT
                and isinstance(c.type, (String, Text))
                and (getattr(c.type, "length", None) or 999) >= len(PAYLOAD)
            }
            if not values:
                continue
            db.session.execute(
                update(model).values(values).execution_options(synchronize_session=False)
            )
            done += [f"{model.__name__}.{n}" for n in values]
        db.session.commit()
    return done


def test_every_page_escapes_peoples_text(client, alpha, bravo, login_as):
    targets = seed_alpha(alpha)
    owner = alpha.owner.user
    owner_email = owner.email
    poisoned = poison_every_free_text_column()
    for needed in (
        "Agency.name",
        "Brand.name",
        "User.name",
        "Plan.title",
        "Campaign.name",
        "Goal.title",
        "Audience.name",
        "Review.recommendations",
        "Finding.dismiss_reason",
        "AgendaItem.title",
        "AgendaItem.notes",
        "StrategySession.minutes",
        "TeamMember.name",
        "Skill.name_en",
        "SessionDecision.text",
        "ReviewComment.body",
    ):
        assert needed in poisoned, needed
    resp = client.post("/login", data={"email": owner_email, "password": PASSWORD})
    assert resp.status_code == 302
    values = targets.values(brand_id=targets.other_brand_id)
    problems: list[str] = []
    seen = 0
    shown = 0
    for route in discover(client.application):
        if route.method != "GET" or route.is_api:
            continue
        if "token" in route.arguments or "secret" in route.arguments:
            continue  # capability links: a random token shows no tenant text
        url = build_url(route, {**PLAIN_ARGUMENTS, **values})
        resp = client.get(url)
        seen += 1
        if resp.status_code >= 500:
            problems.append(f"GET {url}: {resp.status_code}")
            continue
        if not (resp.mimetype or "").startswith("text/html"):
            continue
        body = resp.get_data(as_text=True)
        if MARK in body:
            at = body.index(MARK)
            problems.append(f"GET {url}: raw payload …{body[max(0, at - 80) : at + 20]!r}")
        if "&lt;i x=pwn&gt;" in body:
            shown += 1
    assert seen > 60, seen
    assert shown > 30, shown  # the payload really reached the pages (escaped)
    assert problems == [], "\n".join(problems)
