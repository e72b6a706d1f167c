"""Calendar forms: the CSV import (the plan_csv service does all the checking)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from saas.i18n import lazy_gettext as _l
from saas.web.forms import TandemForm


class ImportForm(TandemForm):
    kind = RadioField(
        _l("What the file holds"),
        choices=[
            SelectChoice("campaigns", _l("Campaigns")),
            SelectChoice("calendar", _l("Content calendar items")),
        ],
        default="campaigns",
    )
    file = FileField(_l("CSV file"), render_kw={"accept": ".csv,text/csv"})
