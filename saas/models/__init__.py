"""ORM models, one module per aggregate.  Importing this package registers them all."""

from saas.models.accounts import (
    ApiToken,
    Invitation,
    OneTimeToken,
    RecoveryCode,
    User,
    UserSession,
)
from saas.models.audit import AuditEvent
from saas.models.billing import AgencyBilling, BillingEvent, Invoice
from saas.models.capability import (
    Assessment,
    LearningBudget,
    LearningItem,
    Skill,
    TeamMember,
)
from saas.models.exports import Export
from saas.models.goals import Audience, Goal, GoalCheckin
from saas.models.notifications import NotificationPreference
from saas.models.outbox import OutboxMessage
from saas.models.plans import CalendarItem, Campaign, CampaignGoal, Plan, PlanRevision
from saas.models.reports import Report, ReportSchedule, ReportShare
from saas.models.reviews import Finding, Review, ReviewComment, RuleSetting
from saas.models.sessions import (
    ActionItem,
    AgendaItem,
    SessionAttendee,
    SessionDecision,
    SessionReminder,
    StrategySession,
)
from tenants.models import Agency, Brand, BrandAccess, Membership, Role

__all__ = [
    "Assessment",
    "LearningBudget",
    "LearningItem",
    "Skill",
    "TeamMember",
    "AgencyBilling",
    "BillingEvent",
    "Invoice",
    "ActionItem",
    "AgendaItem",
    "SessionDecision",
    "SessionReminder",
    "Audience",
    "Export",
    "CalendarItem",
    "Campaign",
    "CampaignGoal",
    "Finding",
    "Goal",
    "GoalCheckin",
    "Plan",
    "PlanRevision",
    "Report",
    "ReportSchedule",
    "ReportShare",
    "Review",
    "ReviewComment",
    "RuleSetting",
    "SessionAttendee",
    "StrategySession",
    "Agency",
    "ApiToken",
    "RecoveryCode",
    "AuditEvent",
    "Brand",
    "BrandAccess",
    "Invitation",
    "Membership",
    "NotificationPreference",
    "OneTimeToken",
    "UserSession",
    "OutboxMessage",
    "Role",
    "User",
]
