"""What ``flask demo`` prints: what it did, the logins, and three things to try first.

Command-line output for the person who runs the demo, in English like the other commands'
output; the pages it points to speak each login's language.
"""

from __future__ import annotations

from saas.demo.content import (
    ATLAS,
    ATLAS_TEAM_EMAIL,
    CONSULTANT_EMAIL,
    DEMO_AGENCY_NAME,
    DEMO_PASSWORD,
    DEMO_USERS,
    QAMAR,
    QAMAR_LEADER_EMAIL,
)
from saas.demo.loader import DemoResult

LANGUAGE_NAMES = {"en": "English", "ar": "Arabic"}
REPORT_LANGUAGES = {QAMAR: "Arabic", ATLAS: "English"}


def logins_table() -> list[str]:
    rows = [("Login", "Name", "Role", "Brands", "Language")]
    for spec in DEMO_USERS:
        brands = ", ".join(spec.brands) if spec.role != "owner" else "every brand"
        rows.append((spec.email, spec.name, spec.role, brands, LANGUAGE_NAMES[spec.locale]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return [line.rstrip() for line in lines]


def describe(result: DemoResult, base_url: str, *, verbose: bool = False) -> list[str]:
    """The lines to print after a run."""
    lines = []
    if result.changed:
        steps = len(result.created)
        lines.append(
            f"Loaded the demo agency {DEMO_AGENCY_NAME!r} "
            f"({steps} {'step' if steps == 1 else 'steps'}; -v lists them)."
        )
        if verbose:
            lines.extend(f"  + {step}" for step in result.created)
    else:
        lines.append(f"The demo agency {DEMO_AGENCY_NAME!r} is already loaded: nothing changed.")
    waiting = [name for name, status in result.report_status.items() if status != "ready"]
    for name, status in result.report_status.items():
        report_id = result.report_ids[name]
        lines.append(
            f"Report for {name} ({REPORT_LANGUAGES[name]}): {status}, "
            f"{base_url}/reports/{report_id}"
        )
    if waiting:
        lines.append(
            "Some reports are not rendered yet: start a worker (python -m worker), then run "
            "this command again for the share link."
        )

    lines += ["", f"Sign in at {base_url}/login with the password {DEMO_PASSWORD}", ""]
    lines += logins_table()

    qamar, atlas = result.brand_ids.get(QAMAR), result.brand_ids.get(ATLAS)
    lines += [
        "",
        "Three things to try first:",
        f"  1. As {CONSULTANT_EMAIL}: the dashboard lists Qamar Coffee's revision 2 under",
        "     “Plans waiting for review”. Compare it with revision 1 and review it:",
        f"     {base_url}/plans/{result.plan_ids.get(QAMAR)}",
        f"  2. As {QAMAR_LEADER_EMAIL} (Arabic): Qamar Coffee's score, the goals that need",
        f"     a decision and the latest report: {base_url}/brands/{qamar}",
    ]
    if result.share_url:
        lines += [
            "     Or open the report without an account, as her CEO would (this link is",
            f"     shown once): {result.share_url}",
        ]
    elif result.share_live:
        lines += [
            "     A share link to the Arabic report is live; it was printed when it was made",
            "     (links are shown once). Make another on the report's page:",
            f"     {base_url}/reports/{result.report_ids.get(QAMAR)}",
        ]
    lines += [
        f"  3. As {ATLAS_TEAM_EMAIL}: Atlas Outdoor's approved plan and its content",
        f"     calendar: {base_url}/brands/{atlas}/calendar",
    ]
    return lines
