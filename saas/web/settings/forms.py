"""Settings forms: thin parsing; the services validate again and own the rules."""

from __future__ import annotations

from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from saas.i18n import lazy_gettext as _l
from saas.web.forms import TandemForm

# Each language is named in itself, so nobody has to read a language they do not know.
LANGUAGE_CHOICES = [
    SelectChoice("en", "English", render_kw={"lang": "en"}),
    SelectChoice("ar", "العربية", render_kw={"lang": "ar"}),
]


class AgencyForm(TandemForm):
    name = StringField(_l("Agency name"), validators=[DataRequired(), Length(max=120)])
    accent_color = StringField(
        _l("Accent colour"),
        validators=[
            DataRequired(),
            Regexp(
                r"^#[0-9a-fA-F]{6}$",
                message=_l("Enter a colour as # and six hexadecimal digits, like #2f5bea."),
            ),
        ],
    )
    default_locale = SelectField(_l("Default language"), choices=LANGUAGE_CHOICES)


class ProfileForm(TandemForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class PasswordForm(TandemForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=10, max=256)]
    )


class TokenForm(TandemForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)])


class ConfirmForm(TandemForm):
    """A POST with nothing but the CSRF token, behind an "Are you sure?" page."""
