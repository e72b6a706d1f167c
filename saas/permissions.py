"""The permission matrix: which role may do what.  docs/PERMISSIONS.md is checked against it.

Tenant and brand scope are enforced separately and centrally (``tenants.scoping``); this
module only answers "may this role perform this act at all?".
"""

from __future__ import annotations

from tenants.models import Role

OWNER = Role.OWNER
CONSULTANT = Role.CONSULTANT
LEADER = Role.CLIENT_LEADER
TEAM = Role.CLIENT_TEAM
EVERYONE = frozenset(Role)
STAFF = frozenset({OWNER, CONSULTANT})

MATRIX: dict[str, frozenset[Role]] = {
    "brand.view": EVERYONE,
    "brand.create": STAFF,
    "brand.edit": STAFF,
    "brand.archive": STAFF,
    "brand.assign_consultants": frozenset({OWNER}),
    "brand.offboard": frozenset({OWNER}),
    "member.view": STAFF,
    "member.invite_staff": frozenset({OWNER}),
    "member.invite_client": STAFF,
    "member.change_role": frozenset({OWNER}),
    "member.remove": frozenset({OWNER}),
    "agency.settings": frozenset({OWNER}),
    "agency.delete": frozenset({OWNER}),
    "audit.view": frozenset({OWNER}),
    "outbox.view": frozenset({OWNER}),
    "billing.manage": frozenset({OWNER}),
    "token.manage_own": EVERYONE,
    "goal.view": EVERYONE,
    "goal.edit": frozenset({OWNER, CONSULTANT, TEAM}),
    "audience.edit": frozenset({OWNER, CONSULTANT, TEAM}),
    "plan.view": EVERYONE,
    "plan.draft": frozenset({OWNER, CONSULTANT, TEAM}),
    "plan.archive": STAFF,
    "review.view": EVERYONE,
    "review.conduct": STAFF,
    "methodology.view": STAFF,
    "methodology.edit": frozenset({OWNER}),
    "session.view": EVERYONE,
    "session.edit": STAFF,
    "session.minutes": STAFF,
    "skill.manage": frozenset({OWNER}),
    "capability.view": EVERYONE,
    "capability.assess": frozenset({OWNER, CONSULTANT, TEAM}),
    "learning.manage": STAFF,
    "learning.complete": frozenset({OWNER, CONSULTANT, TEAM}),
    "action_item.complete": EVERYONE,
}

DESCRIPTIONS: dict[str, str] = {
    "brand.view": "See a brand workspace (within the member's brand scope)",
    "brand.create": "Create a client brand workspace",
    "brand.edit": "Edit a brand's name, industry, website, time zone, language, logo",
    "brand.archive": "Archive and restore a brand",
    "brand.assign_consultants": "Assign consultants to a brand",
    "brand.offboard": "Export one brand's data and remove the brand for good (typed name)",
    "member.view": "See the agency's members and pending invitations",
    "member.invite_staff": "Invite owners and consultants",
    "member.invite_client": "Invite client leaders and client team members (to brands in scope)",
    "member.change_role": "Change a member's role and brands",
    "member.remove": "Remove a member (ends their sessions and tokens)",
    "agency.settings": "Agency name, branding and methodology",
    "agency.delete": "Ask for the agency's deletion (after a grace period) and restore it",
    "audit.view": "Read the audit log",
    "outbox.view": "Read the email outbox",
    "billing.manage": "Subscription and billing",
    "token.manage_own": "Create and revoke one's own API tokens",
    "goal.view": "See a brand's company goals, check-ins and audiences",
    "goal.edit": "Add and edit goals and check-ins",
    "audience.edit": "Add and edit audiences",
    "plan.view": "See social plans (client leaders: approved and archived plans only)",
    "plan.draft": "Draft plans, edit campaigns and the calendar, import CSV, submit",
    "plan.archive": "Archive a plan",
    "review.view": "See reviews (client users: completed reviews, shared comments only)",
    "review.conduct": "Open a review, judge findings, comment, record the verdict",
    "methodology.view": "See the alignment rules and their settings",
    "methodology.edit": "Tune rules, thresholds, weights and severities, per agency and brand",
    "session.view": "See a brand's strategy sessions, their attendees and invitations",
    "session.edit": "Schedule, reschedule and cancel strategy sessions",
    "session.minutes": "Write and edit a session's minutes, decisions and action items",
    "skill.manage": "Add, rename and retire skills in the agency's skills catalogue",
    "capability.view": "See a brand's team, assessments and skills matrix",
    "capability.assess": "Add team members and assessments (client team: rate themselves only)",
    "learning.manage": "Record the learning budget and plan, change or drop learning items",
    "learning.complete": "Mark learning items done (client team: their own only)",
    "action_item.complete": "Mark action items done or reopen them (client users: their own)",
}


def can(role: str | Role, permission: str) -> bool:
    """True when ``role`` holds ``permission``.  Unknown permissions are denied."""
    try:
        return Role(role) in MATRIX.get(permission, frozenset())
    except ValueError:
        return False


def invitable_roles(inviter_role: str | Role) -> list[Role]:
    roles: list[Role] = []
    if can(inviter_role, "member.invite_staff"):
        roles += [OWNER, CONSULTANT]
    if can(inviter_role, "member.invite_client"):
        roles += [LEADER, TEAM]
    return roles
