"""The forms of the team capability and learning pages.

Thin: each form reads what a person typed and hands it to the service as the API would;
every rule (ratings 0–4, who may rate whom, the learning budget) is the service's, and its
refusals are put back next to the fields with ``show_errors``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import HiddenField, RadioField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from saas.i18n import lazy_gettext as _l
from saas.models.capability import LEARNING_FORMATS, LEARNING_STATUSES
from saas.services.capability.assessments import LEVELS
from saas.web.forms import TandemForm

FORMAT_LABELS = {
    "partner_session": _l("Partner-led session"),
    "course": _l("Course"),
    "reading": _l("Reading"),
    "shadowing": _l("Shadowing"),
}
STATUS_LABELS = {
    "planned": _l("Planned"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}
STATUS_BADGES = {"planned": "badge-muted", "done": "badge-ok", "dropped": "badge-warn"}
SOURCE_LABELS = {"self": _l("Self-rating"), "consultant": _l("Consultant's rating")}

NO_USER = _l("Not a Tandem user (just a name)")
NO_SKILL = _l("No particular skill")
NO_SESSION = _l("Choose a training session")


def _id_or_none(value: Any) -> int | None:
    raw = (value or "").strip() if isinstance(value, str) else value
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 10:
        return int(raw)
    return None


def _date_or_raw(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


# --- team ----------------------------------------------------------------------------------


class MemberForm(TandemForm):
    name = StringField(_l("Name"), render_kw={"maxlength": 120})
    user_id = SelectField(_l("Tandem user"), validate_choice=False)

    def set_candidates(self, candidates: list[Any]) -> None:
        self.user_id.choices = [SelectChoice("", NO_USER)] + [
            SelectChoice(str(m.user_id), m.user.name or m.user.email) for m in candidates
        ]

    def body(self) -> dict[str, Any]:
        return {"name": self.name.data or "", "user_id": self.user_id.data or None}


class AssessForm(TandemForm):
    skill = SelectField(_l("Skill"), validate_choice=False)
    # The service checks the rating (0 to 4); a value outside it comes back as its message.
    rating = RadioField(
        _l("Rating"),
        choices=[SelectChoice(str(k), v) for k, v in LEVELS.items()],
        validate_choice=False,
    )

    def set_skills(self, skills: list[Any], name: Any) -> None:
        self.skill.choices = [SelectChoice("", _l("Choose a skill"))] + [
            SelectChoice(s.key, name(s)) for s in skills
        ]

    def body(self, member_id: int) -> dict[str, Any]:
        return {"member_id": member_id, "skill": self.skill.data or "", "rating": self.rating.data}


# --- skills catalogue ------------------------------------------------------------------------


class SkillForm(TandemForm):
    key = StringField(_l("Key"), render_kw={"maxlength": 40, "dir": "ltr", "spellcheck": "false"})
    name_en = StringField(_l("English name"), render_kw={"maxlength": 80, "dir": "ltr"})
    name_ar = StringField(_l("Arabic name"), render_kw={"maxlength": 80, "dir": "rtl"})

    def body(self) -> dict[str, Any]:
        return {
            "key": self.key.data or "",
            "name_en": self.name_en.data or "",
            "name_ar": self.name_ar.data or "",
        }


class SkillEditForm(TandemForm):
    name_en = StringField(_l("English name"), render_kw={"maxlength": 80, "dir": "ltr"})
    name_ar = StringField(_l("Arabic name"), render_kw={"maxlength": 80, "dir": "rtl"})
    action = HiddenField(default="rename")

    def body(self) -> dict[str, Any]:
        if self.action.data == "retire":
            return {"retired": True}
        if self.action.data == "restore":
            return {"retired": False}
        return {"name_en": self.name_en.data or "", "name_ar": self.name_ar.data or ""}


# --- learning --------------------------------------------------------------------------------


class BudgetForm(TandemForm):
    hours_per_person_per_month = StringField(
        _l("Hours per person per month"),
        render_kw={"inputmode": "decimal", "autocomplete": "off", "maxlength": 6},
        validators=[DataRequired(message=_l("Enter a number of hours."))],
    )


class ItemForm(TandemForm):
    """A learning item: planned by staff (add, edit and "Learn this")."""

    member_id = SelectField(_l("Team member"), validate_choice=False)
    title = StringField(
        _l("Title"),
        render_kw={"maxlength": 200},
        validators=[
            DataRequired(message=_l("Give the learning item a title.")),
            Length(max=200),
        ],
    )
    skill_key = SelectField(_l("Skill"), validate_choice=False)
    format = SelectField(
        _l("Format"),
        choices=[SelectChoice(k, FORMAT_LABELS[k]) for k in LEARNING_FORMATS],
        default="course",
        validate_choice=False,
    )
    session_id = SelectField(_l("Training session"), validate_choice=False)
    due_on = StringField(
        _l("Due date"),
        render_kw={"type": "date"},
        validators=[DataRequired(message=_l("Choose a due date."))],
    )
    hours = StringField(
        _l("Hours"),
        default="1",
        render_kw={"inputmode": "decimal", "autocomplete": "off", "maxlength": 6},
        validators=[DataRequired(message=_l("Enter a number of hours."))],
    )
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(k, STATUS_LABELS[k]) for k in LEARNING_STATUSES],
        default="planned",
        validate_choice=False,
    )

    def set_choices(
        self, members: list[Any], skills: list[Any], sessions: list[Any], name: Any
    ) -> None:
        self.member_id.choices = [SelectChoice("", _l("Choose a team member"))] + [
            SelectChoice(str(m.id), m.name) for m in members
        ]
        self.skill_key.choices = [SelectChoice("", NO_SKILL)] + [
            SelectChoice(s.key, name(s)) for s in skills
        ]
        self.session_id.choices = [SelectChoice("", NO_SESSION)] + [
            SelectChoice(str(s.id), s.title) for s in sessions
        ]

    def validate_due_on(self, field: Any) -> None:
        if field.data and _date_or_raw(field.data) is None:
            raise ValidationError(str(_l("Choose a due date.")))

    def validate_member_id(self, field: Any) -> None:
        if _id_or_none(field.data) is None:
            raise ValidationError(str(_l("Choose a member of this brand's team.")))

    def body(self, *, with_status: bool = False) -> dict[str, Any]:
        fmt = self.format.data or ""
        values: dict[str, Any] = {
            "member_id": _id_or_none(self.member_id.data),
            "title": self.title.data or "",
            "skill_key": self.skill_key.data or None,
            "format": fmt,
            "due_on": _date_or_raw(self.due_on.data),
            "hours": (self.hours.data or "").strip(),
            "session_id": _id_or_none(self.session_id.data) if fmt == "partner_session" else None,
        }
        if with_status:
            values["status"] = self.status.data or ""
        return values

    def fill(self, item: Any) -> None:
        self.member_id.data = str(item.member_id)
        self.title.data = item.title
        self.skill_key.data = item.skill_key or ""
        self.format.data = item.format
        self.session_id.data = str(item.session_id) if item.session_id else ""
        self.due_on.data = item.due_on.isoformat() if item.due_on else ""
        self.hours.data = f"{item.hours:g}"
        self.status.data = item.status


class DoneForm(TandemForm):
    """A client team member marks their own item done (or planned again)."""

    status = HiddenField(default="done")
