"""Findings and shared comments, grouped by campaign (plan-wide ones first)."""

from __future__ import annotations

from typing import Any

from saas.presentation.labels.reviews import SEVERITY_LABELS, STATE_LABELS
from saas.presentation.lessons import lesson_for
from saas.services.report_content.data import ReportData
from saas.services.report_content.sections.common import by_severity

FINDINGS_MAX = 60


def build_findings(d: ReportData) -> dict[str, Any] | None:
    if d.review is None:
        return {"no_review": True, "groups": []}
    names = {c["id"]: c["name"] for c in d.campaigns}
    groups: dict[int | None, dict[str, Any]] = {}

    def group(cid: int | None) -> dict[str, Any]:
        key = cid if cid in names else None
        if key not in groups:
            groups[key] = {
                "name": d.text(names.get(key)) if key else None,
                "findings": [],
                "comments": [],
            }
        return groups[key]

    for f in by_severity(d.findings)[:FINDINGS_MAX]:
        message, fix = d.render_finding(f)
        lesson = lesson_for(f.rule)
        group(f.campaign_id)["findings"].append(
            {
                "severity": str(SEVERITY_LABELS.get(f.severity, f.severity)),
                "severity_class": {"error": "bad", "warning": "warn"}.get(f.severity, "muted"),
                "message": message,
                "fix": fix,
                # The strategy question behind the finding (the lesson's page teaches the rest).
                "lesson": str(lesson.question) if lesson else "",
                "state": str(STATE_LABELS.get(f.state, f.state)),
            }
        )
    for c in d.shared_comments:
        group(c.campaign_id)["comments"].append(
            {"body": d.text(c.body), "date": d.day(c.created_at)}
        )
    ordered = [groups[cid] for cid in [c["id"] for c in d.campaigns] if cid in groups]
    if None in groups:
        ordered.insert(0, groups[None])
    return {
        "no_review": False,
        "groups": ordered,
        "more": max(0, len(d.findings) - FINDINGS_MAX),
    }
