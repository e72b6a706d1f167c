"""The base class of every web form: refuses control characters next to the field.

A NUL byte in a form value used to reach PostgreSQL (which refuses NUL in text) and answer 500.
Checking here, once, means every form shows a field error instead, whatever its fields; values
that no form field reads are stopped by the guard in ``saas.web.edge``.

``show_errors`` is the one way views put a service's refusal on a form.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, ClassVar

from babel import support
from flask import current_app, flash
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import Field, ValidationError
from wtforms.fields import FieldList, FormField
from wtforms.i18n import messages_path

from saas.http import has_control_chars, parse_id
from saas.i18n import lazy_gettext as _l
from saas.services.errors import ServiceError

CONTROL_CHARS_MESSAGE = _l("Remove the control characters from this field.")


class TandemForm(FlaskForm):
    """FlaskForm that also refuses control characters (NUL, C0 other than tab/newline, DEL).

    ``field_names`` collects the names of every declared field of every subclass, so the edge
    guard knows which form keys a form will check and which it must check itself.
    """

    field_names: ClassVar[set[str]] = set()

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            """WTForms' own messages in the reader's language, as Flask-WTF gives them,
            from a catalogue parsed once per language (Flask-WTF reads its file again on
            every request that builds a form: a third of a millisecond per page)."""
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_translations(str(get_locale() or "en"))

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in dir(cls):
            value = getattr(cls, name, None)
            if getattr(value, "field_class", None) is not None:  # an UnboundField
                TandemForm.field_names.add(name)

    def validate(self, extra_validators: Any = None) -> bool:
        """Run the usual validation, then add the control-character error to any field."""
        ok = super().validate(extra_validators=extra_validators)
        for field in self:
            if _mark_control_chars(field):
                ok = False
        return ok


@lru_cache(maxsize=16)
def wtforms_translations(locale: str) -> support.NullTranslations:
    """WTForms' catalogue for ``locale`` (read-only once loaded, so shared by requests)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def _mark_control_chars(field: Field) -> bool:
    """Append the control-character error to ``field`` (or its subfields); True if any."""
    if isinstance(field, FormField | FieldList):
        found = False
        for sub in field:
            found = _mark_control_chars(sub) or found
        return found
    raw = getattr(field, "raw_data", None) or []
    if not any(isinstance(v, str) and has_control_chars(v) for v in raw):
        return False
    errors = list(field.errors) if field.errors else []
    errors.append(CONTROL_CHARS_MESSAGE)
    field.errors = errors
    return True


def coerce_id(value: object) -> int:
    """``coerce`` for id choices: ASCII digits within the INTEGER range, else ValueError.

    ``int`` alone accepts ``"١"`` and ids PostgreSQL cannot compare ("integer out of range");
    WTForms turns the ValueError into its own "invalid choice" error on the field.
    """
    ident = parse_id(value)
    if ident is None:
        raise ValueError("not an id in range")
    return ident


def optional_id(_form: FlaskForm, field: Field) -> None:
    """Validator for a hidden id field: blank, or an id in the INTEGER range."""
    raw = field.data
    if raw in (None, "") or parse_id(raw) is not None:
        return
    raise ValidationError(str(_l("Choose from the list.")))


def show_errors(
    form: FlaskForm, err: ServiceError, rename: Mapping[str, str] | None = None
) -> None:
    """Put a service's per-field messages next to the form's fields; the rest as one flash.

    ``rename`` maps a service field name to the form's where they differ.  Messages for no
    field of this form are joined into the flash, so none is lost; with no field messages at
    all the flash says ``err.message``.
    """
    rename = rename or {}
    leftover: list[str] = []
    for name, message in err.fields.items():
        field = form._fields.get(rename.get(name, name))
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            leftover.append(message)
    if leftover or not err.fields:
        flash(" ".join(leftover) or err.message, "error")
