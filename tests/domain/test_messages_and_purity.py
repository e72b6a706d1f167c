"""Every rule speaks English and Arabic; the engine package imports nothing but itself."""

from __future__ import annotations

import ast
import re
import string
import sys
from pathlib import Path

import pytest

from saas.domain.alignment import RULES, messages
from saas.domain.alignment.samples import broken_plan
from saas.domain.vocabulary import FORMATS, KPIS, NETWORKS, OBJECTIVES
from tests.domain.util import run

ROOT = Path(__file__).resolve().parents[2]
ARABIC = re.compile(r"[\u0600-\u06FF]")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_has_message_fix_description_and_name_in_both_languages(rule):
    for locale in ("en", "ar"):
        assert messages.describe(rule, locale).strip()
        assert messages.rule_name(rule, locale).strip()
    assert ARABIC.search(messages.describe(rule, "ar"))
    for variant in messages.CATALOGUE[rule].values():
        (en_message, en_fix), (ar_message, ar_fix) = variant["en"], variant["ar"]
        assert all(text.strip() for text in (en_message, en_fix, ar_message, ar_fix))
        assert ARABIC.search(ar_message) and ARABIC.search(ar_fix)
        # the Arabic says the same things as the English
        assert _placeholders(en_message) == _placeholders(ar_message)
        assert _placeholders(en_fix) == _placeholders(ar_fix)


def test_every_rule_and_variant_renders_fully_from_the_params_it_emits():
    """The broken plan emits every rule and every variant; nothing is left unfilled."""
    seen = set()
    for locale in ("en", "ar"):
        for finding in run(*broken_plan(), locale=locale).findings:
            seen.add((finding.rule, finding.params.get("kind", "default")))
            message, fix = messages.render(finding.rule, finding.params, locale)
            assert (message, fix) == (finding.message, finding.fix)
            for text in (message, fix):
                assert "{" not in text and "}" not in text and "…" not in text, text
            assert "_" not in message, f"a raw vocabulary id leaked into: {message}"
    expected = {(rule, kind) for rule, variants in messages.CATALOGUE.items() for kind in variants}
    # "low" shares the default text of network_not_used_by_audience
    assert {(r, "default" if k == "low" else k) for r, k in seen} == expected


def test_arabic_findings_use_the_product_words_and_isolate_user_names():
    findings = run(*broken_plan(), locale="ar").findings
    text = " ".join(f.message + " " + f.fix for f in findings)

    for word in ("الحملة", "هدف الشركة", "الجمهور المستهدف", "روزنامة المحتوى"):
        assert word in text
    by_rule = {f.rule: f for f in findings}
    assert "\u2068Spring teaser\u2069" in by_rule["campaign_without_goal"].message
    networks = " ".join(f.message for f in findings if f.rule == "network_not_used_by_audience")
    assert "لينكدإن" in networks and "إكس" in networks and "4%" in networks
    assert messages.render("story_focus", by_rule["story_focus"].params, "ar_SA") == (
        by_rule["story_focus"].message,
        by_rule["story_focus"].fix,
    )


def test_render_never_raises_on_missing_or_odd_params():
    for rule in RULES:
        for params in ({}, {"kind": "nonsense"}, {"campaign": "{x}", "share": None}):
            for locale in ("en", "ar", "fr", None):
                message, fix = messages.render(rule, params, locale)
                assert message and fix
    assert "{x}" in messages.render("audience_missing", {"campaign": "{x}"}, "en")[0]


@pytest.mark.parametrize(
    ("kind", "values"),
    [("network", NETWORKS), ("format", FORMATS), ("objective", OBJECTIVES), ("kpi", KPIS)],
)
def test_every_vocabulary_id_has_a_label_in_both_languages(kind, values):
    for value in values:
        assert value in messages.LABELS[kind]["en"]
        assert ARABIC.search(messages.label(kind, value, "ar"))


def test_docs_list_every_rule_and_the_kpi_table():
    doc = (ROOT / "docs" / "ALIGNMENT.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"`{rule}`" in doc, rule
    from saas.domain.alignment import KPIS_FOR_OBJECTIVE

    for objective, kpis in KPIS_FOR_OBJECTIVE.items():
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{objective}` |"))
        assert all(f"`{kpi}`" in row for kpi in kpis), row


def test_domain_package_imports_no_flask_no_database_and_nothing_outside_domain():
    allowed_stdlib = set(sys.stdlib_module_names)
    # pure format libraries the domain may build with: bytes in, bytes out, no I/O, no app state
    allowed_libraries = {"icalendar"}  # saas/domain/ics.py: RFC 5545 invitations
    offenders = []
    files = sorted((ROOT / "saas" / "domain").rglob("*.py"))
    assert len(files) >= 7
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: inside the package by definition
                    continue
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if (
                    name.startswith("saas.domain")
                    or top in allowed_stdlib
                    or top in allowed_libraries
                    or top == "__future__"
                ):
                    continue
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []
