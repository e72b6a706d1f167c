"""The agency's skills catalogue.

Keys are what integrations and the engine's ``capability_gap`` rule rely on, so they never
change; names (English and Arabic) may, and a skill is retired rather than deleted (its
assessments stay history).  A new agency gets the default catalogue on its first read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Membership
from saas.models.capability import Skill
from saas.permissions import can
from saas.services import audit
from saas.services.errors import Forbidden, ValidationFailed
from saas.transactions import use_case
from tenants.context import current_agency_id
from tenants.models import utcnow

NAME_MAX = 80
KEY_MAX = 40
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

# (key, English name, Arabic name): the default every agency starts with.
DEFAULT_SKILLS: tuple[tuple[str, str, str], ...] = (
    ("strategy_planning", "Strategy and planning", "الاستراتيجية والتخطيط"),
    ("campaign_planning", "Campaign planning", "تخطيط الحملات"),
    ("analytics_reporting", "Analytics and reporting", "التحليلات والتقارير"),
    ("content_creation", "Content creation", "إنشاء المحتوى"),
    ("short_video", "Short video", "الفيديو القصير"),
    ("community_management", "Community management", "إدارة المجتمع"),
    ("customer_care", "Customer care", "خدمة العملاء"),
    ("social_commerce", "Social commerce", "التجارة الاجتماعية"),
    ("paid_social", "Paid social", "الإعلانات المدفوعة على وسائل التواصل"),
    ("tiktok", "TikTok", "تيك توك"),
    ("instagram", "Instagram", "إنستغرام"),
    ("linkedin", "LinkedIn", "لينكدإن"),
    ("x", "X", "إكس"),
    ("youtube", "YouTube", "يوتيوب"),
    ("facebook", "Facebook", "فيسبوك"),
    ("snapchat", "Snapchat", "سناب شات"),
    ("pinterest", "Pinterest", "بنترست"),
    ("threads", "Threads", "ثريدز"),
    ("whatsapp", "WhatsApp", "واتساب"),
)
DEFAULT_KEYS = tuple(key for key, _en, _ar in DEFAULT_SKILLS)


def ensure_can_manage(actor: Membership) -> None:
    if not can(actor.role, "skill.manage"):
        raise Forbidden(_("Only the agency's owner can change the skills catalogue."))


@use_case
def _seed() -> None:
    # Two first reads at once (two tabs, an integration) both find no skills; the second's
    # rows meet the unique (agency_id, key) and are skipped, so it keeps the first's
    # catalogue instead of answering 500.  ON CONFLICT DO NOTHING rather than a savepoint:
    # SQLite would commit a savepoint released outside its own BEGIN.
    agency_id = current_agency_id()
    rows = [
        {
            "agency_id": agency_id,
            "key": key,
            "name_en": name_en,
            "name_ar": name_ar,
            "position": position,
            "retired": False,
            "created_at": utcnow(),
        }
        for position, (key, name_en, name_ar) in enumerate(DEFAULT_SKILLS)
    ]
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(Skill).values(rows).on_conflict_do_nothing())


def ensure_seeded() -> None:
    """Give the current agency the default catalogue when it has no skills yet."""
    if current_agency_id() is None:
        return
    if db.session.scalar(select(func.count(Skill.id))) == 0:
        _seed()


def all_skills() -> list[Skill]:
    """The current agency's catalogue, retired skills included, in catalogue order."""
    ensure_seeded()
    return list(db.session.scalars(select(Skill).order_by(Skill.position, Skill.id)))


def listing() -> Any:
    """A select of the catalogue for ``paginated``."""
    ensure_seeded()
    return select(Skill).order_by(Skill.position, Skill.id)


def active_skills() -> list[Skill]:
    return [s for s in all_skills() if not s.retired]


def by_key(key: str) -> Skill | None:
    ensure_seeded()
    return db.session.scalar(select(Skill).where(Skill.key == key))


def display_name(skill: Skill, lang: str) -> str:
    return skill.name_ar if lang == "ar" and skill.name_ar else skill.name_en


def _names(data: Mapping[str, Any], errors: dict[str, str], *, partial: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    for field in ("name_en", "name_ar"):
        if partial and field not in data:
            continue
        value = data.get(field)
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            errors[field] = _("Enter the skill's name.")
        elif len(value) > NAME_MAX:
            errors[field] = _("Keep the name under %(n)s characters.", n=NAME_MAX)
        else:
            out[field] = value
    return out


@use_case
def add(actor: Membership, data: Mapping[str, Any]) -> Skill:
    """Add a skill to the catalogue; its key is checked once and never changes."""
    ensure_can_manage(actor)
    errors: dict[str, str] = {}
    key = data.get("key")
    key = key.strip() if isinstance(key, str) else ""
    if not key or len(key) > KEY_MAX or not KEY_PATTERN.match(key):
        errors["key"] = _("Use lower-case letters, digits and underscores, starting with a letter.")
    elif by_key(key) is not None:
        errors["key"] = _("The catalogue already has a skill with this key.")
    names = _names(data, errors, partial=False)
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    last = db.session.scalar(select(func.max(Skill.position))) or 0
    skill = Skill(key=key, position=last + 1, **names)
    db.session.add(skill)
    db.session.flush()
    audit.record("skill.added", skill, label=skill.name_en, key=key)
    return skill


@use_case
def update(actor: Membership, skill: Skill, data: Mapping[str, Any]) -> Skill:
    """Rename and/or retire (or restore) a skill; the key stays."""
    ensure_can_manage(actor)
    errors: dict[str, str] = {}
    if "key" in data and data["key"] != skill.key:
        errors["key"] = _("A skill's key never changes; add a new skill instead.")
    names = _names(data, errors, partial=True)
    retired = data.get("retired")
    if retired is not None and not isinstance(retired, bool):
        errors["retired"] = _("Choose true or false.")
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    changed = {k: v for k, v in names.items() if getattr(skill, k) != v}
    for k, v in changed.items():
        setattr(skill, k, v)
    if changed:
        audit.record("skill.renamed", skill, label=skill.name_en, key=skill.key)
    if retired is not None and retired != skill.retired:
        skill.retired = retired
        audit.record(
            "skill.retired" if retired else "skill.restored",
            skill,
            label=skill.name_en,
            key=skill.key,
        )
    return skill
