"""Report forms: they parse and describe fields; ``saas.services.reports`` checks."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from saas.i18n import lazy_gettext as _l
from saas.web.forms import TandemForm, coerce_id


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes (no JavaScript, readable by screen readers)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: FlaskForm) -> None:  # the service checks the values
        return None


class RequestReportForm(TandemForm):
    period_start = DateField(_l("First day"), validators=[InputRequired()])
    period_end = DateField(_l("Last day"), validators=[InputRequired()])
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice("en", _l("English")), SelectChoice("ar", _l("Arabic"))],
        default="en",
    )
    sections = CheckboxesField(_l("Sections"))
    recipient_ids = CheckboxesField(
        _l("Email these client leaders when it is ready"), coerce=coerce_id
    )


class ShareForm(TandemForm):
    label = StringField(_l("Label (who the link is for)"), validators=[Optional(), Length(max=120)])
    expires_days = IntegerField(
        _l("Expires after (days)"),
        default=14,
        validators=[InputRequired(), NumberRange(min=1, max=90)],
        render_kw={"inputmode": "numeric", "min": 1, "max": 90},
    )


class ConfirmForm(TandemForm):
    """An empty form: the CSRF token of a confirmation page."""
