"""Plan forms: they parse and describe fields; the plans service does the checking."""

from __future__ import annotations

from wtforms import (
    DateField,
    DecimalField,
    FloatField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from saas.domain.vocabulary import FORMATS, KPIS, NETWORKS, OBJECTIVES
from saas.i18n import lazy_gettext as _l
from saas.presentation.labels.plans import (
    FORMAT_LABELS,
    KPI_LABELS,
    NETWORK_LABELS,
    OBJECTIVE_LABELS,
)
from saas.services import plans as plans_service
from saas.web.forms import TandemForm


class ActionForm(TandemForm):
    """No fields: a POST button with its CSRF token (confirmations, transitions)."""


class PlanActionForm(ActionForm):
    """A button that changes a plan (a transition, a removal): it sends back the plan's
    ``version`` the page showed, so a stale page is refused (409) instead of overwriting."""

    version = HiddenField()


class CampaignActionForm(PlanActionForm):
    """Removing a campaign: also names it by key, which survives the saves that renumber
    campaign ids."""

    key = HiddenField()


class PlanForm(TandemForm):
    title = StringField(_l("Title"), render_kw={"maxlength": plans_service.TITLE_MAX})
    period_start = DateField(
        _l("First day"), validators=[InputRequired(message=_l("Enter the first day of the plan."))]
    )
    period_end = DateField(
        _l("Last day"), validators=[InputRequired(message=_l("Enter the last day of the plan."))]
    )


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CampaignForm(TandemForm):
    # The plan version the form was opened on (see ``saas.services.plans.versions``).
    version = HiddenField()
    # The campaign's key: campaign ids change with every save, the key stays (a stale form
    # still names its campaign).
    key = HiddenField()
    name = StringField(_l("Campaign name"), render_kw={"maxlength": plans_service.NAME_MAX})
    networks = CheckboxesField(
        _l("Networks"),
        choices=[SelectChoice(n, NETWORK_LABELS[n]) for n in NETWORKS],
        validate_choice=False,
    )
    format = SelectField(
        _l("Format"),
        choices=[SelectChoice(f, FORMAT_LABELS[f]) for f in FORMATS],
        validate_choice=False,
    )
    objective = SelectField(
        _l("Objective"),
        choices=[SelectChoice(o, OBJECTIVE_LABELS[o]) for o in OBJECTIVES],
        validate_choice=False,
    )
    kpi = SelectField(
        _l("Primary KPI"),
        choices=[
            SelectChoice("", _l("No KPI yet")),
            *[SelectChoice(k, KPI_LABELS[k]) for k in KPIS],
        ],
        validate_choice=False,
    )
    kpi_baseline = FloatField(
        _l("KPI baseline"),
        validators=[Optional()],
        render_kw={"inputmode": "decimal"},
    )
    kpi_target = FloatField(
        _l("KPI target"), validators=[Optional()], render_kw={"inputmode": "decimal"}
    )
    audience_id = SelectField(_l("Target audience"), validate_choice=False)
    start_date = DateField(
        _l("Start date"), validators=[InputRequired(message=_l("Enter the start date."))]
    )
    end_date = DateField(
        _l("End date"), validators=[InputRequired(message=_l("Enter the end date."))]
    )
    duration_rationale = TextAreaField(
        _l("Why this duration?"), render_kw={"maxlength": plans_service.RATIONALE_MAX, "rows": 3}
    )
    budget = DecimalField(
        _l("Budget"), validators=[Optional()], places=2, render_kw={"inputmode": "decimal"}
    )
