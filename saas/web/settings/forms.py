"""Settings forms: thin parsing; the services validate again and own the rules."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from saas.i18n import lazy_gettext as _l
from saas.presentation import timezones
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


# Working days as ``date.weekday()`` numbers (0 = Monday), listed from Sunday: the week as
# both the Gulf and Europe read it on a calendar.
WEEKDAY_LABELS = {
    6: _l("Sunday"),
    0: _l("Monday"),
    1: _l("Tuesday"),
    2: _l("Wednesday"),
    3: _l("Thursday"),
    4: _l("Friday"),
    5: _l("Saturday"),
}


class _Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class TimeSettingsForm(TandemForm):
    """A person's time zone and working hours; ``saas.services.time_settings`` checks."""

    timezone = SelectField(_l("Time zone"), validate_choice=False)
    days = _Checkboxes(
        _l("Working days"),
        choices=[SelectChoice(str(d), label) for d, label in WEEKDAY_LABELS.items()],
        validate_choice=False,
    )
    start = StringField(_l("Working day starts"), render_kw={"type": "time", "step": "300"})
    end = StringField(_l("Working day ends"), render_kw={"type": "time", "step": "300"})

    def __init__(self, *args: Any, browser_zone: bool = False, **kwargs: Any) -> None:
        """``browser_zone``: no zone of the person's own yet, so timezone.js preselects the
        browser's (the server's choice, the brand's zone, stays without JavaScript)."""
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezones.grouped_choices(
            str(get_locale()), extra=self.timezone.data
        )
        if browser_zone:
            self.timezone.render_kw = {"data-browser-zone": "true"}


class PasswordForm(TandemForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=10, max=256)]
    )


class TokenForm(TandemForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)])


class ConfirmForm(TandemForm):
    """A POST with nothing but the CSRF token, behind an "Are you sure?" page."""


class TwoFactorCodeForm(TandemForm):
    """A 6-digit code from the authenticator app."""

    code = StringField(
        _l("Code from your app"),
        validators=[DataRequired()],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "maxlength": 32,
            "dir": "ltr",
        },
    )


class TwoFactorDisableForm(TandemForm):
    code = StringField(
        _l("Code from your app"),
        render_kw={"autocomplete": "one-time-code", "maxlength": 32, "dir": "ltr"},
    )
    password = PasswordField(_l("Or your password"), render_kw={"autocomplete": "current-password"})


class RequireTwoFactorForm(TandemForm):
    require_two_factor = BooleanField(_l("Require two-factor sign-in of owners and consultants"))


class EmailChangeForm(TandemForm):
    email = EmailField(
        _l("New email address"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "email", "maxlength": 254, "dir": "ltr"},
    )
    password = PasswordField(_l("Current password"), render_kw={"autocomplete": "current-password"})


class DeleteAccountForm(TandemForm):
    confirm_email = StringField(
        _l("Type your email address to confirm"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "off", "maxlength": 254, "dir": "ltr"},
    )


class TransferOwnershipForm(TandemForm):
    member = SelectField(_l("New owner"), coerce=int, validate_choice=False)
    step_down = BooleanField(_l("Make me a consultant (with access to every brand)"))


class LeaveAgencyForm(TandemForm):
    """Leaving is immediate: the person ticks that they know what they lose."""

    understood = BooleanField(
        _l("I understand that I lose access to this agency at once"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class TypedNameForm(TandemForm):
    """A destructive act confirmed by typing a name (the service compares it)."""

    confirm_name = StringField(_l("Type the name to confirm"), validators=[Length(max=200)])
