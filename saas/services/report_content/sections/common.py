"""What several sections share: the colour class of a status or verdict, the findings' order."""

from __future__ import annotations

from collections.abc import Iterable

from saas.models.reviews import Finding

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def status_class(status: str) -> str:
    """A goal's progress as ok / warn / bad (the word is always printed beside it)."""
    return {"on_track": "ok", "achieved": "ok", "at_risk": "warn"}.get(status, "bad")


def verdict_class(verdict: str | None) -> str:
    return {"aligned": "ok", "needs_changes": "warn", "misaligned": "bad"}.get(
        verdict or "", "muted"
    )


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; in the order they were found within each."""
    return sorted(findings, key=lambda f: (_SEVERITY_RANK.get(f.severity, 3), f.id))
