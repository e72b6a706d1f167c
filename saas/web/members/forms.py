"""Forms for inviting members, changing roles, and accepting an invitation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from saas.i18n import lazy_gettext as _l


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):  # type: ignore[no-untyped-def]
        # Unknown ids are reported by the service (with the ids), not as "not a valid choice".
        pass


class InviteForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    brand_ids = MultiCheckboxField(_l("Brands"), coerce=int, choices=[])
    all_brands = BooleanField(_l("All brands, now and later (consultants only)"))


class MemberForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    brand_ids = MultiCheckboxField(_l("Brands"), coerce=int, choices=[])
    all_brands = BooleanField(_l("All brands, now and later (consultants only)"))


class NewAccountForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=120)])
    password = PasswordField(_l("Choose a password"), validators=[InputRequired(), Length(max=256)])


class JoinForm(FlaskForm):
    """One click for a signed-in user whose email the invitation is for."""


class ConfirmForm(FlaskForm):
    """An empty form: the POST of a confirmation page (CSRF protected)."""
