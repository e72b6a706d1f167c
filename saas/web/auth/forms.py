"""Forms for signing up and in.  Validation of values lives in the accounts service; these
forms parse input, carry CSRF, and give the browser helpful attributes."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo

from saas.i18n import lazy_gettext as _l
from saas.services.passwords import MAX_LENGTH, MIN_LENGTH
from saas.web.forms import TandemForm


def _email_field(**kw: object) -> EmailField:
    return EmailField(
        _l("Email"),
        render_kw={"autocomplete": "email", "required": True, "maxlength": 254, "dir": "ltr"},
        **kw,
    )


class LoginForm(TandemForm):
    email = _email_field()
    password = PasswordField(
        _l("Password"),
        render_kw={"autocomplete": "current-password", "required": True, "maxlength": MAX_LENGTH},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class MagicLinkRequestForm(TandemForm):
    # Shown on the login page next to LoginForm: same field name, its own element id.
    email = _email_field(id="link-email")


class SignupForm(TandemForm):
    agency_name = StringField(
        _l("Agency name"),
        render_kw={"autocomplete": "organization", "required": True, "maxlength": 120},
    )
    name = StringField(
        _l("Your name"), render_kw={"autocomplete": "name", "required": True, "maxlength": 120}
    )
    email = _email_field()
    password = PasswordField(
        _l("Password"),
        render_kw={
            "autocomplete": "new-password",
            "required": True,
            "minlength": MIN_LENGTH,
            "maxlength": MAX_LENGTH,
        },
    )


class ForgotPasswordForm(TandemForm):
    email = _email_field()


class ResetPasswordForm(TandemForm):
    password = PasswordField(
        _l("New password"),
        render_kw={
            "autocomplete": "new-password",
            "required": True,
            "minlength": MIN_LENGTH,
            "maxlength": MAX_LENGTH,
        },
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("password", message=_l("The two passwords do not match."))],
        render_kw={"autocomplete": "new-password", "required": True, "maxlength": MAX_LENGTH},
    )


class ConfirmForm(TandemForm):
    """An empty form: a button and its CSRF token (magic-link confirmation)."""


class TwoFactorForm(TandemForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = StringField(
        _l("Code"),
        render_kw={
            "autocomplete": "one-time-code",
            "required": True,
            "maxlength": 32,
            "dir": "ltr",
            "autocapitalize": "off",
            "spellcheck": "false",
        },
    )
