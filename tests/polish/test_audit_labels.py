"""The audit log speaks in words: every action the code records has a label in English and
Arabic, every kind of object it is recorded on has a name, and the page shows them (not
``report.share_opened`` on ``ReportShare``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

from saas.extensions import db
from saas.models import AuditEvent
from saas.presentation.labels.audit import ACTION_LABELS, OBJECT_LABELS
from tenants.context import tenant_scope

SAAS = Path(__file__).resolve().parents[2] / "saas"


def _module_strings(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level ``NAME = "text"`` constants (``AUDIT_ACTION = "plan.review_reminder_sent"``)."""
    found: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = [node.value.value]
    return found


def recorded_actions() -> dict[str, str]:
    """Every action passed to ``audit.record(...)`` anywhere in saas/, with where."""
    actions: dict[str, str] = {}
    for path in SAAS.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_strings(tree)
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and node.args
            ):
                continue
            where = f"{path.relative_to(SAAS.parent)}:{node.lineno}"
            first = node.args[0]
            names = [
                n.value
                for n in ast.walk(first)
                if isinstance(n, ast.Constant) and isinstance(n.value, str) and "." in n.value
            ]
            for n in ast.walk(first):
                if isinstance(n, ast.Name):
                    names += constants.get(n.id, [])
            assert names, f"{where}: cannot tell which action this records"
            for name in names:
                actions.setdefault(name, where)
    return actions


def test_the_source_is_read():
    actions = recorded_actions()
    assert {"report.share_opened", "plan.review_reminder_sent", "auth.login"} <= set(actions)


def test_every_recorded_action_has_a_label():
    missing = {a: where for a, where in recorded_actions().items() if a not in ACTION_LABELS}
    assert not missing, (
        f"audit actions without a label in saas/presentation/labels/audit.py: {missing}"
    )


@pytest.mark.usefixtures("db_app")
def test_every_label_reads_in_arabic():
    with force_locale("ar"):
        untranslated = [
            str(label)
            for label in [*ACTION_LABELS.values(), *OBJECT_LABELS.values()]
            if str(label) == label._args[0]
            and not any("\u0600" <= ch <= "\u06ff" for ch in str(label))
        ]
    assert not untranslated, f"no Arabic for: {untranslated}"


def test_every_audited_model_has_a_name():
    from saas import models

    audited = {"ReportShare", "Report", "Plan", "Goal", "Audience", "Review", "Brand"}
    assert audited <= set(OBJECT_LABELS)
    for kind in OBJECT_LABELS:
        assert hasattr(models, kind), f"{kind} is not a model"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_audit_log_page_shows_words(alpha, login_as, client, lang):
    with tenant_scope(alpha.agency.id):
        for action, kind in (
            ("report.share_opened", "ReportShare"),
            ("review.finding_accepted", "Finding"),
            ("report_schedule.ran", "ReportSchedule"),
        ):
            db.session.add(
                AuditEvent(action=action, object_type=kind, object_id=1, object_label="Q1 report")
            )
        db.session.commit()
    login_as(alpha.owner)
    client.get(f"/language/{lang}?next=/")
    html = client.get("/settings/audit").get_data(as_text=True)
    with force_locale(lang):
        expected = [str(ACTION_LABELS["report.share_opened"]), str(OBJECT_LABELS["ReportShare"])]
    for text in expected:
        assert text in html
    body = html.split("<tbody>", 1)[1]
    for raw in ("report.share_opened", "ReportShare", "report_schedule.ran"):
        assert f">{raw}<" not in body and f"{raw}:" not in body
