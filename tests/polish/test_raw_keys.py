"""No page shows a person an internal key: statuses (``changes_requested``), rule ids
(``calendar_gap``), roles (``client_leader``), audit actions (``report.share_opened``) or
model names (``ReportShare``) must be words.  The main pages are rendered over HTTP as the
owner, the consultant and the client leader in English and Arabic, and every visible text
node is checked; attribute values (a ``title=`` tooltip, a form value) may keep the id."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from saas.domain.alignment.rules import RULES
from saas.extensions import db
from saas.models import AuditEvent, Goal
from saas.presentation.labels import goals as goal_labels
from saas.presentation.labels import plans as plan_labels
from saas.presentation.labels import reports as report_labels
from saas.presentation.labels import reviews as review_labels
from saas.presentation.labels.audit import ACTION_LABELS, OBJECT_LABELS
from saas.services import reviews as reviews_service
from tenants.context import tenant_scope
from tests import factories
from tests.landing.helpers import add_report

ROLES = ("owner", "consultant", "client_leader", "client_team")


def _keys() -> tuple[frozenset[str], frozenset[str]]:
    """(keys that may appear inside a sentence, keys only caught as a whole text node)."""
    labelled: dict[str, object] = {}
    for module in (goal_labels, plan_labels, report_labels, review_labels):
        for name in dir(module):
            value = getattr(module, name)
            if name.endswith("_LABELS") and isinstance(value, dict):
                labelled.update({k: v for k, v in value.items() if isinstance(k, str)})
    labelled.update(ACTION_LABELS)
    labelled.update(OBJECT_LABELS)
    distinctive = {k for k in [*labelled, *RULES, *ROLES] if "_" in k or "." in k}
    distinctive |= {k for k in OBJECT_LABELS if re.search(r"[a-z][A-Z]", k)}  # ReportShare
    words = {
        k
        for k, v in labelled.items()
        if k not in distinctive
        and k not in OBJECT_LABELS  # "Goal", "Report": ordinary words
        and k.isascii()
        and str(v).casefold() != k.casefold()
    }
    return frozenset(distinctive), frozenset(words)


DISTINCTIVE, WORDS = _keys()
PATTERN = re.compile(
    r"(?<![\w./-])("
    + "|".join(sorted(map(re.escape, DISTINCTIVE), key=len, reverse=True))
    + r")(?![\w/-])"
)


class _Text(HTMLParser):
    """Visible text nodes (no script, style or template bodies; attributes are dropped)."""

    SKIP = {"script", "style", "template", "head"}

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag in self.SKIP:
            self._skip += 1

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if not self._skip and data.strip():
            self.texts.append(data.strip())


def raw_keys_in(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    found = []
    for text in parser.texts:
        found += [m.group(1) for m in PATTERN.finditer(text)]
        if text in WORDS:
            found.append(text)
    return found


@pytest.fixture
def pages(alpha) -> dict[str, str]:
    """A brand with goals, a plan under review with findings, reports and audit events."""
    plan = factories.planning_data(alpha.agency, alpha.brand, goals=2, campaigns=3, calendar=4)
    with tenant_scope(alpha.agency.id):
        plan = db.session.merge(plan)
        consultant = db.session.merge(alpha.consultant)
        review = reviews_service.open_review(plan, consultant)
        for action, kind in (("report.share_opened", "ReportShare"), ("plan.transition", "Plan")):
            db.session.add(AuditEvent(action=action, object_type=kind, object_label="Q1"))
        db.session.commit()
        plan_id, review_id = plan.id, review.id
        goal_id = db.session.scalar(select(Goal.id).where(Goal.brand_id == alpha.brand.id))
    report_id = add_report(alpha, days_ago=1)
    b = alpha.brand.id
    out = {
        "dashboard": "/",
        "brand overview": f"/brands/{b}",
        "brands": "/brands/",
        "goals": f"/brands/{b}/goals",
        "audiences": f"/brands/{b}/audiences",
        "plans list": f"/brands/{b}/plans",
        "plan page": f"/plans/{plan_id}",
        "calendar": f"/brands/{b}/calendar",
        "review page": f"/reviews/{review_id}",
        "matrix": f"/reviews/{review_id}/matrix",
        "reports list": f"/brands/{b}/reports",
        "report page": f"/reports/{report_id}",
        "methodology": "/settings/methodology",
        "brand methodology": f"/brands/{b}/methodology",
        "members": "/members/",
        "settings": "/settings/",
        "audit log": "/settings/audit",
        "profile": "/settings/profile",
    }
    if goal_id:
        out["goal"] = f"/goals/{goal_id}"
    return out


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("role", ["owner", "consultant", "leader"])
def test_no_page_prints_a_raw_key(alpha, login_as, client, pages, role, lang):
    login_as(getattr(alpha, role))
    client.get(f"/language/{lang}?next=/")
    shown: dict[str, list[str]] = {}
    visited = 0
    for name, path in pages.items():
        resp = client.get(path)
        if resp.status_code != 200:
            continue
        visited += 1
        found = raw_keys_in(resp.get_data(as_text=True))
        if found:
            shown[f"{name} ({path})"] = sorted(set(found))
    assert visited >= 6, f"{role} could open only {visited} pages"
    assert not shown, f"raw keys shown to the {role} in {lang}: {shown}"


def test_the_checker_catches_keys():
    html = (
        '<p title="calendar_gap">Gap in the content calendar</p><td>changes_requested</td>'
        "<span>client_leader</span><li>report.share_opened on ReportShare</li>"
    )
    assert raw_keys_in(html) == [
        "changes_requested",
        "client_leader",
        "report.share_opened",
        "ReportShare",
    ]
