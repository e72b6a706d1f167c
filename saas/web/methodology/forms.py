"""Methodology forms: one small form per rule, built from the rule's declared parameters.

Parsing only: blanks mean "inherit"; the service (``saas.services.methodology``) validates
ranges and kinds and returns per-field messages, which ``place_errors`` puts next to the
right input.  Each rule's fields carry the rule id as a prefix, so the ids on a page of
fourteen forms stay unique.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wtforms import HiddenField, SelectField, StringField

from saas.domain.alignment.rules import RULES
from saas.i18n import lazy_gettext as _l
from saas.web.forms import TandemForm

# Form values for the enabled switch; "" inherits.
ENABLED_VALUES = {"on": True, "off": False, "": None}


def enabled_value(value: bool | None) -> str:
    return {True: "on", False: "off"}.get(value, "")  # type: ignore[arg-type]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def param_field_names(rule_id: str) -> list[tuple[str, str, str | None, str | None]]:
    """``(field name, parameter, objective, end)`` for each input of a rule's parameters."""
    names: list[tuple[str, str, str | None, str | None]] = []
    for param, default in RULES[rule_id].params.items():
        if param == "ranges":
            for objective in default:
                names.append((f"p_ranges__{objective}__min", param, objective, "min"))
                names.append((f"p_ranges__{objective}__max", param, objective, "max"))
        else:
            names.append((f"p_{param}", param, None, None))
    return names


class RuleForm(TandemForm):
    """Base: the fields every rule has.  ``rule_form`` adds the rule's parameters."""

    # Choices are checked by the service, with its own messages.
    enabled = SelectField(_l("Switched on"), choices=[], validate_choice=False)
    severity = SelectField(_l("Severity"), choices=[], validate_choice=False)
    weight = StringField(_l("Weight"), render_kw={"inputmode": "decimal", "size": 4})

    rule_id: str = ""

    def values(self) -> dict[str, Any]:
        """What the service takes: ``None`` or blank for "inherit"."""
        params: dict[str, Any] = {}
        for name, param, objective, end in param_field_names(self.rule_id):
            raw = (self[name].data or "").strip()
            if objective is None:
                params[param] = raw or None
            else:
                pair = params.setdefault(param, {}).setdefault(objective, [None, None])
                pair[0 if end == "min" else 1] = raw or None
        return {
            # Anything but on / off / "" goes to the service as is, which refuses it.
            "enabled": ENABLED_VALUES.get(self.enabled.data or "", self.enabled.data),
            "severity": self.severity.data or None,
            "weight": (self.weight.data or "").strip() or None,
            "params": params,
        }

    def place_errors(self, fields: Mapping[str, str]) -> bool:
        """Service field keys → this form's inputs.  False when none could be placed."""
        placed = False
        for key, message in fields.items():
            name = key
            if key.startswith("params."):
                parts = key.split(".")
                if parts[1] == "ranges" and len(parts) >= 3:
                    name = f"p_ranges__{parts[2]}__min"
                else:
                    name = f"p_{parts[1]}"
            if name in self._fields:
                self[name].errors = [*self[name].errors, message]
                placed = True
        return placed

    def param_fields(self) -> list[tuple[Any, str, str | None, str | None]]:
        return [
            (self[name], param, objective, end)
            for name, param, objective, end in param_field_names(self.rule_id)
        ]


def rule_form(
    rule_id: str,
    *,
    layer: Any,
    inherited: Any,
    inherit_label: str,
    formdata: Any = None,
    severity_labels: Mapping[str, str],
    inherited_severity: str,
    on_label: str,
    off_label: str,
) -> RuleForm:
    """The form for one rule, filled from ``layer`` (the row being edited, or None).

    ``inherited`` is what a blank means (an ``Effective``): shown in the "inherit" options
    and as placeholders, so the page says what each blank will do.
    """
    attrs: dict[str, Any] = {"rule_id": rule_id}
    for name, param, objective, end in param_field_names(rule_id):
        if objective is None:
            placeholder = _text(inherited.params.get(param))
        else:
            pair = inherited.params.get("ranges", {}).get(objective, ("", ""))
            placeholder = _text(pair[0] if end == "min" else pair[1])
        attrs[name] = StringField(
            name, render_kw={"inputmode": "numeric", "size": 4, "placeholder": placeholder}
        )
    cls = type(f"RuleForm_{rule_id}", (RuleForm,), attrs)

    data: dict[str, Any] = {}
    if layer is not None:
        data["enabled"] = enabled_value(layer.enabled)
        data["severity"] = layer.severity or ""
        data["weight"] = _text(layer.weight)
        for name, param, objective, end in param_field_names(rule_id):
            value = layer.params.get(param)
            if objective is not None:
                pair = (value or {}).get(objective)
                value = None if pair is None else pair[0 if end == "min" else 1]
            data[name] = _text(value)

    form = cls(formdata=formdata, prefix=rule_id, data=data)
    on_inherit = on_label if inherited.enabled else off_label
    form.enabled.choices = [
        ("", f"{inherit_label} ({on_inherit})"),
        ("on", on_label),
        ("off", off_label),
    ]
    form.severity.choices = [("", f"{inherit_label} ({inherited_severity})")] + [
        (s, severity_labels[s]) for s in ("error", "warning", "info")
    ]
    form.weight.render_kw = {
        **(form.weight.render_kw or {}),
        "placeholder": _text(inherited.weight),
    }
    return form


class ReminderForm(TandemForm):
    review_reminder_days = StringField(
        _l("Remind after (days)"), render_kw={"inputmode": "numeric", "size": 4}
    )


class ResetForm(TandemForm):
    """ "Reset to agency" for one rule on a brand's page."""

    rule = HiddenField()
