"""Is every string a person can see translated into Arabic?

Extracts messages in-process with the same babel.cfg and keywords as ``scripts/i18n`` and
compares them with the Arabic catalogue.  When this fails, run ``scripts/i18n`` and translate
the entries it lists (fuzzy entries count as missing: they are never shown).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
AR_PO = ROOT / "saas" / "translations" / "ar" / "LC_MESSAGES" / "messages.po"

# Keep in step with the -k flags in scripts/i18n.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}


def extracted_messages() -> dict[tuple[str | tuple[str, ...], str | None], list[str]]:
    """{(msgid, context): ["file:line", ...]} for every string in the code and templates."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[tuple[str | tuple[str, ...], str | None], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message if isinstance(message, str) else tuple(m for m in message if m)
        if isinstance(msgid, tuple) and len(msgid) == 1:
            msgid = msgid[0]
        if not msgid:
            continue
        found.setdefault((msgid, context), []).append(f"{filename}:{lineno}")
    return found


def arabic_catalogue() -> Catalog:
    if not AR_PO.exists():
        pytest.fail(f"{AR_PO.relative_to(ROOT)} is missing: run scripts/i18n and translate it")
    with AR_PO.open("rb") as fh:
        return read_po(fh, locale="ar")


def _is_translated(catalog: Catalog, msgid, context) -> bool:
    entry = catalog.get(msgid, context=context)
    if entry is None or entry.fuzzy:
        return False
    strings = entry.string if isinstance(entry.string, (list, tuple)) else [entry.string]
    return bool(strings) and all(s.strip() for s in strings)


def test_extraction_finds_strings_in_python_and_templates():
    """Does the extractor see both kinds of source (so the next test can fail)?"""
    places = [p for where in extracted_messages().values() for p in where]
    assert any(p.startswith("templates/") for p in places), "no template strings extracted"
    assert any(p.startswith("saas/") and ".py:" in p for p in places), "no Python strings extracted"
    # {{ _("...") }} in an expression, and lazy_gettext in Python, are both picked up.
    messages = {m for m, _ in extracted_messages()}
    assert "Skip to content" in messages
    assert "Client leader" in messages  # lazy_gettext in saas/app_setup.py


def test_every_message_has_an_arabic_translation():
    catalog = arabic_catalogue()
    missing = [
        f"{msgid!r} ({', '.join(where[:2])})"
        for (msgid, context), where in sorted(extracted_messages().items(), key=lambda kv: kv[1])
        if not _is_translated(catalog, msgid, context)
    ]
    assert not missing, (
        f"{len(missing)} message(s) have no Arabic translation (missing, empty or fuzzy); "
        "run scripts/i18n and translate them:\n  " + "\n  ".join(missing)
    )


def test_arabic_translations_keep_their_placeholders():
    """A translation that drops or renames %(name)s would raise or lose data at runtime."""
    catalog = arabic_catalogue()
    problems = [
        f"{message.id!r}: {'; '.join(str(e) for e in errors)}"
        for message, errors in catalog.check()
        if errors
    ]
    assert not problems, "placeholder mismatches:\n  " + "\n  ".join(problems)


def test_no_compiled_catalogue_is_committed():
    """The app compiles .po at start-up; a stale .mo in the source tree would shadow it."""
    stray = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "saas" / "translations").rglob("*.mo"))
    assert not stray, f"delete compiled catalogues from the source tree: {stray}"
