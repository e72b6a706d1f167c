"""Calendar forms: one calendar item, moving one, the CSV import.

They parse and describe fields; the plans service does the checking (through
``saas.services.calendar``), and its messages land next to these fields.
"""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from saas.domain.vocabulary import CALENDAR_STATUSES, FORMATS, NETWORKS
from saas.i18n import lazy_gettext as _l
from saas.presentation.labels.plans import CALENDAR_STATUS_LABELS, FORMAT_LABELS, NETWORK_LABELS
from saas.services import plans as plans_service
from saas.web.forms import TandemForm


class PlanEditForm(TandemForm):
    """A form that changes a plan sends back the plan ``version`` it was opened on: a stale
    one is refused (409, see ``saas.services.plans.versions``)."""

    version = HiddenField()


class ItemEditForm(PlanEditForm):
    """Also the ``ref`` of the item it acts on, which finds it again after a save renumbered
    the items (``saas.services.calendar.item_ref``)."""

    ref = HiddenField()


class ImportForm(PlanEditForm):
    kind = RadioField(
        _l("What the file holds"),
        choices=[
            SelectChoice("campaigns", _l("Campaigns")),
            SelectChoice("calendar", _l("Content calendar items")),
        ],
        default="campaigns",
    )
    file = FileField(_l("CSV file"), render_kw={"accept": ".csv,text/csv"})


class ItemForm(ItemEditForm):
    """One calendar item; the campaign choices (by name) are the plan's, set by the view."""

    date = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter the date."))])
    campaign_key = SelectField(_l("Campaign"), choices=[], validate_choice=False)
    network = SelectField(
        _l("Network"),
        choices=[SelectChoice(n, NETWORK_LABELS[n]) for n in NETWORKS],
        validate_choice=False,
    )
    format = SelectField(
        _l("Format"),
        choices=[SelectChoice(f, FORMAT_LABELS[f]) for f in FORMATS],
        validate_choice=False,
    )
    pillar = StringField(_l("Content pillar"), render_kw={"maxlength": plans_service.PILLAR_MAX})
    brief = TextAreaField(_l("Brief"), render_kw={"maxlength": plans_service.BRIEF_MAX, "rows": 4})
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s, CALENDAR_STATUS_LABELS[s]) for s in CALENDAR_STATUSES],
        default="planned",
        validate_choice=False,
    )


class MoveForm(ItemEditForm):
    date = DateField(_l("New date"), validators=[InputRequired(message=_l("Enter the new date."))])


class ConfirmForm(ItemEditForm):
    """The delete confirmation: its CSRF token, the plan version and the item's ref."""
