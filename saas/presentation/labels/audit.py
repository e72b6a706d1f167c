"""The audit log in words: every action the code records and every kind of object it
records it on, as a person reads them ("Opened a report share link", not
``report.share_opened`` on ``ReportShare``).

tests/polish/test_audit_labels.py reads the source for every ``audit.record(...)`` action,
so a new action without a label here fails the build rather than reaching the page raw.
"""

from __future__ import annotations

from saas.i18n import lazy_gettext as _l

ACTION_LABELS = {
    # agency and sign-in
    "agency.created": _l("Created the agency"),
    "agency.updated": _l("Changed the agency settings"),
    "agency.logo_uploaded": _l("Uploaded the agency logo"),
    "auth.login": _l("Signed in"),
    "auth.logout": _l("Signed out"),
    "auth.login_failed": _l("Failed to sign in"),
    "auth.password_reset_requested": _l("Asked to reset their password"),
    "auth.password_reset": _l("Reset their password"),
    "auth.signed_out_everywhere": _l("Signed out on every device"),
    "token.created": _l("Created an API token"),
    "token.revoked": _l("Revoked an API token"),
    "user.profile_updated": _l("Updated their profile"),
    "user.password_changed": _l("Changed their password"),
    "auth.password_verified": _l("Entered their password (code still to come)"),
    "auth.magic_link_used": _l("Opened a sign-in link (code still to come)"),
    "auth.two_factor_failed": _l("Entered a wrong two-factor code"),
    "account.two_factor_enabled": _l("Turned on two-factor sign-in"),
    "account.two_factor_disabled": _l("Turned off two-factor sign-in"),
    "account.recovery_codes_replaced": _l("Made new recovery codes"),
    "agency.two_factor_required": _l("Required two-factor sign-in for the agency"),
    "agency.two_factor_optional": _l("Stopped requiring two-factor sign-in"),
    "account.email_change_requested": _l("Asked to change their email address"),
    "account.email_changed": _l("Changed their email address"),
    "account.deleted": _l("Deleted their account"),
    # brands and people
    "brand.created": _l("Created a brand"),
    "brand.updated": _l("Edited a brand"),
    "brand.logo_uploaded": _l("Uploaded a brand logo"),
    "brand.archived": _l("Archived a brand"),
    "brand.restored": _l("Restored a brand"),
    "brand.removed": _l("Removed a brand and its data"),
    "brand.consultants_assigned": _l("Assigned consultants to a brand"),
    "invitation.created": _l("Sent an invitation"),
    "invitation.accepted": _l("Accepted an invitation"),
    "invitation.revoked": _l("Revoked an invitation"),
    "invitation.resent": _l("Resent an invitation"),
    "member.role_changed": _l("Changed a member's role"),
    "member.removed": _l("Removed a member"),
    "member.left": _l("Left the agency"),
    "member.ownership_transferred": _l("Made a member owner (ownership transfer)"),
    # goals, audiences, methodology
    "goal.created": _l("Added a company goal"),
    "goal.updated": _l("Edited a company goal"),
    "goal.status_changed": _l("Changed a goal's status"),
    "goal.checkin_added": _l("Recorded a goal check-in"),
    "session.scheduled": _l("Scheduled a strategy session"),
    "session.updated": _l("Changed a strategy session"),
    "session.cancelled": _l("Cancelled a strategy session"),
    "session.rsvp": _l("Answered a session invitation"),
    "session.agenda_regenerated": _l("Regenerated a session's agenda"),
    "session.agenda_item_added": _l("Added an agenda item"),
    "session.agenda_item_updated": _l("Edited an agenda item"),
    "session.agenda_item_removed": _l("Removed an agenda item"),
    "session.agenda_item_moved": _l("Moved an agenda item"),
    "session.agenda_replaced": _l("Replaced a session's agenda"),
    "session.minutes_recorded": _l("Recorded a session's minutes"),
    "session.minutes_edited": _l("Edited a session's minutes"),
    "session.decision_added": _l("Recorded a decision"),
    "session.decision_updated": _l("Changed a decision"),
    "session.decision_deleted": _l("Deleted a decision"),
    "action_item.created": _l("Added an action item"),
    "action_item.updated": _l("Changed an action item"),
    "action_item.deleted": _l("Deleted an action item"),
    "action_item.done": _l("Marked an action item done"),
    "action_item.reopened": _l("Reopened an action item"),
    "calendar_feed.created": _l("Created a personal calendar feed"),
    "calendar_feed.reset": _l("Reset a personal calendar feed"),
    "calendar_feed.turned_off": _l("Turned off a personal calendar feed"),
    "audience.created": _l("Added an audience"),
    "audience.updated": _l("Edited an audience"),
    "methodology.updated": _l("Changed the methodology"),
    # plans and reviews
    "plan.created": _l("Started a social plan"),
    "plan.revision_saved": _l("Saved a plan revision"),
    "plan.csv_imported": _l("Imported a plan from a spreadsheet"),
    "plan.transition": _l("Changed a plan's status"),
    "plan.review_reminder_sent": _l("Sent a review reminder"),
    "review.opened": _l("Started a review"),
    "review.finding_accepted": _l("Accepted a finding"),
    "review.finding_dismissed": _l("Dismissed a finding"),
    "review.findings_accepted_all": _l("Accepted all remaining findings"),
    "review.commented": _l("Commented on a review"),
    "review.recommendations_saved": _l("Saved the review's recommendations"),
    "review.completed": _l("Completed a review"),
    # reports
    "report.requested": _l("Requested a report"),
    # the agency's data export
    "export.requested": _l("Requested an export of the agency's data"),
    "export.downloaded": _l("Downloaded an export of the agency's data"),
    "agency.deletion_requested": _l("Asked for the agency's deletion"),
    "agency.deletion_cancelled": _l("Restored the agency (deletion cancelled)"),
    "report.ready": _l("A report was ready"),
    "report.failed": _l("A report could not be made"),
    "report.requeued": _l("Queued a report again"),
    "report.rerender_requested": _l("Asked to make a report again"),
    "report.approved": _l("Approved a report"),
    "report.summary_edited": _l("Edited a report's summary"),
    "report.shared": _l("Created a report share link"),
    "report.share_opened": _l("Opened a report share link"),
    "report.share_revoked": _l("Revoked a report share link"),
    "report_schedule.created": _l("Scheduled a report"),
    "report_schedule.updated": _l("Changed a report schedule"),
    "report_schedule.deactivated": _l("Stopped a report schedule"),
    "report_schedule.ran": _l("A scheduled report was requested"),
    # team capability
    "skill.added": _l("Added a skill to the catalogue"),
    "skill.renamed": _l("Renamed a skill"),
    "skill.retired": _l("Retired a skill"),
    "skill.restored": _l("Restored a skill"),
    "team_member.added": _l("Added a team member"),
    "team_member.updated": _l("Changed a team member"),
    "assessment.added": _l("Recorded an assessment"),
    "learning_budget.set": _l("Recorded a learning budget"),
    "learning_item.created": _l("Planned a learning item"),
    "learning_item.updated": _l("Changed a learning item"),
    "learning_item.done": _l("Marked a learning item done"),
    "learning_item.dropped": _l("Dropped a learning item"),
}

# ``AuditEvent.object_type`` is the model's class name.
OBJECT_LABELS = {
    "Agency": _l("Agency"),
    "Brand": _l("Brand"),
    "ApiToken": _l("API token"),
    "User": _l("User"),
    "Membership": _l("Member"),
    "Invitation": _l("Invitation"),
    "Goal": _l("Company goal"),
    "GoalCheckin": _l("Goal check-in"),
    "Audience": _l("Audience"),
    "Plan": _l("Social plan"),
    "PlanRevision": _l("Plan revision"),
    "Campaign": _l("Campaign"),
    "CalendarItem": _l("Calendar item"),
    "Review": _l("Review"),
    "Finding": _l("Finding"),
    "ReviewComment": _l("Review comment"),
    "RuleSetting": _l("Methodology rule"),
    "Report": _l("Report"),
    "ReportShare": _l("Report share link"),
    "ReportSchedule": _l("Report schedule"),
    "Export": _l("Data export"),
    "NotificationPreference": _l("Notification setting"),
    "StrategySession": _l("Strategy session"),
    "Skill": _l("Skill"),
    "TeamMember": _l("Team member"),
    "Assessment": _l("Assessment"),
    "LearningBudget": _l("Learning budget"),
    "LearningItem": _l("Learning item"),
}


def action_label(code: str) -> str:
    """The action in words; an action recorded before it had a label shows its code."""
    return str(ACTION_LABELS.get(code, code))


def object_label(kind: str | None) -> str:
    """The kind of object in words ("" for events about no object)."""
    if not kind:
        return ""
    return str(OBJECT_LABELS.get(kind, kind))
