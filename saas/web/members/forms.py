"""Forms for inviting members, changing roles, and accepting an invitation."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.form import BaseForm
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from saas.i18n import lazy_gettext as _l
from saas.web.forms import TandemForm, coerce_id


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: BaseForm) -> None:
        # Unknown ids are reported by the service (with the ids), not as "not a valid choice".
        pass


CONFIRM_OWNER = "yes"


class InviteForm(TandemForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    brand_ids = MultiCheckboxField(_l("Brands"), coerce=coerce_id, choices=[])
    all_brands = BooleanField(_l("All brands, now and later (consultants only)"))
    # Set only by the confirmation step that an owner invitation goes through first.
    confirm_owner = HiddenField()


class MemberForm(TandemForm):
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    brand_ids = MultiCheckboxField(_l("Brands"), coerce=coerce_id, choices=[])
    all_brands = BooleanField(_l("All brands, now and later (consultants only)"))
    # Set only by the confirmation step that making someone an owner goes through first.
    confirm_owner = HiddenField()


class NewAccountForm(TandemForm):
    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=120)])
    # Required for staff, optional for client users: the service decides by the role.
    password = PasswordField(_l("Choose a password"), validators=[Optional(), Length(max=256)])


class JoinForm(TandemForm):
    """One click for a signed-in user whose email the invitation is for."""


class ConfirmForm(TandemForm):
    """An empty form: the POST of a confirmation page (CSRF protected)."""
