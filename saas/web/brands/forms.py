"""Brand forms: they parse and describe fields; the brands service does the checking."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice

from saas.i18n import lazy_gettext as _l
from saas.presentation import timezones
from saas.services import brands as brands_service
from saas.web.forms import TandemForm, coerce_id


class BrandForm(TandemForm):
    name = StringField(_l("Brand name"), render_kw={"maxlength": brands_service.NAME_MAX})
    industry = StringField(_l("Industry"), render_kw={"maxlength": brands_service.INDUSTRY_MAX})
    website = StringField(
        _l("Website"),
        render_kw={
            "maxlength": brands_service.WEBSITE_MAX,
            "inputmode": "url",
            "placeholder": "https://",
        },
    )
    timezone = SelectField(_l("Time zone"), validate_choice=False, default="UTC")
    language = SelectField(
        _l("Language of the workspace"),
        choices=[
            SelectChoice("en", "English", render_kw={"lang": "en"}),
            SelectChoice("ar", "العربية", render_kw={"lang": "ar"}),
        ],
        validate_choice=False,
        default="en",
    )

    def __init__(self, *args: Any, browser_zone: bool = False, **kwargs: Any) -> None:
        """``browser_zone``: a new workspace, where timezone.js preselects the browser's
        zone (the server's choice, the agency's usual zone, stays without JavaScript)."""
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezones.grouped_choices(
            str(get_locale()), extra=self.timezone.data
        )
        if browser_zone:
            self.timezone.render_kw = {"data-browser-zone": "true"}

    def values(self) -> dict[str, str | None]:
        return {name: getattr(self, name).data for name in brands_service.FIELDS}


class BrandEditForm(BrandForm):
    logo = FileField(
        _l("Logo"),
        render_kw={"accept": "image/png,image/jpeg,image/webp,image/gif"},
    )


class ConfirmForm(TandemForm):
    """An empty form: the POST carries only the CSRF token."""


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ConsultantsForm(TandemForm):
    consultants = MultiCheckboxField(_l("Consultants"), coerce=coerce_id, validate_choice=False)
