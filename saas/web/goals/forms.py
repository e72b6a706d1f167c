"""Goal, check-in and audience forms: they parse and describe fields; the services check.

Numbers and dates are text fields on purpose: the service reads them and answers in the same
words on the web as in the API (``inputmode`` and ``type="date"`` still give the right
keyboard and picker).
"""

from __future__ import annotations

from typing import Any

from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from saas.domain.vocabulary import NETWORKS
from saas.i18n import lazy_gettext as _l
from saas.presentation.labels.goals import GOAL_STATUS_LABELS, PRIORITY_LABELS
from saas.presentation.labels.plans import NETWORK_LABELS
from saas.services import audiences as audiences_service
from saas.services import goals as goals_service
from saas.web.forms import TandemForm

NUMBER = {"inputmode": "decimal", "autocomplete": "off"}


def _blank_to_none(value: Any) -> Any:
    return value if value not in ("",) else None


class GoalForm(TandemForm):
    title = StringField(_l("Goal"), render_kw={"maxlength": goals_service.TITLE_MAX})
    description = TextAreaField(
        _l("Why it matters"), render_kw={"rows": 3, "maxlength": goals_service.DESCRIPTION_MAX}
    )
    metric = StringField(_l("Metric"), render_kw={"maxlength": goals_service.METRIC_MAX})
    unit = StringField(_l("Unit"), render_kw={"maxlength": goals_service.UNIT_MAX})
    baseline = StringField(_l("Baseline (today)"), render_kw=NUMBER)
    target = StringField(_l("Target"), render_kw=NUMBER)
    start_date = StringField(_l("Start date"), render_kw={"type": "date"})
    due_date = StringField(_l("Due date"), render_kw={"type": "date"})
    priority = SelectField(
        _l("Priority"),
        choices=[SelectChoice(k, v) for k, v in PRIORITY_LABELS.items()],
        default="medium",
        validate_choice=False,
    )
    weight = StringField(_l("Weight (0–100, optional)"), render_kw=NUMBER)
    owner_name = StringField(_l("Owner"), render_kw={"maxlength": goals_service.OWNER_MAX})
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(k, v) for k, v in GOAL_STATUS_LABELS.items()],
        default="active",
        validate_choice=False,
    )

    def values(self) -> dict[str, Any]:
        return {name: _blank_to_none(getattr(self, name).data) for name in goals_service.FIELDS}

    def fill(self, goal: Any) -> None:
        """Show a goal's values (numbers without a trailing .0)."""
        for name in goals_service.FIELDS:
            value = getattr(goal, name)
            if isinstance(value, float):
                value = f"{value:g}" if abs(value) < 1e15 else str(value)
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            getattr(self, name).data = value if value is not None else ""


class CheckinForm(TandemForm):
    date = StringField(_l("Date"), render_kw={"type": "date"})
    value = StringField(_l("Value"), render_kw=NUMBER)
    comment = TextAreaField(
        _l("Comment"), render_kw={"rows": 2, "maxlength": goals_service.COMMENT_MAX}
    )

    def values(self) -> dict[str, Any]:
        return {
            name: _blank_to_none(getattr(self, name).data) for name in ("date", "value", "comment")
        }


class AudienceForm(TandemForm):
    name = StringField(_l("Audience"), render_kw={"maxlength": audiences_service.NAME_MAX})
    description = TextAreaField(
        _l("Description"), render_kw={"rows": 3, "maxlength": audiences_service.DESCRIPTION_MAX}
    )
    engages = TextAreaField(
        _l("Who engages"), render_kw={"rows": 4, "maxlength": audiences_service.ENGAGES_MAX}
    )

    @property
    def share_fields(self) -> list[Any]:
        return [getattr(self, f"share_{n}") for n in NETWORKS]

    def values(self) -> dict[str, Any]:
        """Networks with a share above zero, in the vocabulary's order.

        Returns the values and, per row sent, the form field it came from (to put the
        service's ``networks.<i>.share`` message next to the right input).
        """
        networks, self.row_fields = [], []
        for network in NETWORKS:
            field = getattr(self, f"share_{network}")
            raw = (field.data or "").strip()
            if raw in ("", "0", "0.0", "0,0"):
                continue
            networks.append({"network": network, "share": raw})
            self.row_fields.append(field.name)
        return {
            "name": self.name.data,
            "description": self.description.data,
            "engages": self.engages.data,
            "networks": networks,
        }

    def fill(self, audience: Any) -> None:
        self.name.data = audience.name
        self.description.data = audience.description or ""
        self.engages.data = audience.engages or ""
        shares = audiences_service.shares(audience)
        for network in NETWORKS:
            getattr(self, f"share_{network}").data = f"{shares.get(network, 0):g}"


for _network in NETWORKS:
    setattr(
        AudienceForm,
        f"share_{_network}",
        StringField(
            NETWORK_LABELS[_network],
            default="0",
            render_kw={
                "type": "number",
                "min": 0,
                "max": 100,
                "step": "any",
                "inputmode": "decimal",
            },
        ),
    )
