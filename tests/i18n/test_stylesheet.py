"""Does the look hold for Arabic and under the CSP?

The stylesheet mirrors for right-to-left only if it never uses physical directions, and
templates other engineers write rely on a fixed set of class names.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSS = (ROOT / "saas" / "static" / "app.css").read_text(encoding="utf-8")

# The class names templates may use (ENGINEERING brief, "Platform foundation" item 10).
CONTRACT = [
    "topbar",
    "topbar-inner",
    "logo",
    "logo-mark",
    "mainnav",
    "usermenu",
    "brandswitch",
    "menu",
    "menu-head",
    "menu-all",
    "avatar",
    "linklike",
    "skip-link",
    "container",
    "page-head",
    "card",
    "grid",
    "table-wrap",
    "table",
    "button",
    "primary",
    "danger",
    "ghost",
    "badge",
    "badge-ok",
    "badge-warn",
    "badge-bad",
    "badge-muted",
    "empty-state",
    "eyebrow",
    "form",
    "field",
    "check",
    "hint",
    "error",
    "has-error",
    "actions",
    "toolbar",
    "muted",
    "stack",
    "pager",
    "flashes",
    "flash",
    "flash-success",
    "flash-info",
    "flash-error",
    "flash-warning",
    "footer",
    "sr-only",
    "auth-card",
    "kpi",
    "tabs",
    "subnav",
    "icon-dir",
]

PHYSICAL = re.compile(
    r"(?:margin|padding|border)-(?:left|right)\b"
    r"|(?<![-\w])(?:left|right)\s*:"
    r"|text-align\s*:\s*(?:left|right)"
    r"|float\s*:\s*(?:left|right)"
    r"|clear\s*:\s*(?:left|right)"
)


def _without_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def test_stylesheet_uses_only_logical_directions():
    found = [
        f"line {CSS.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for m in PHYSICAL.finditer(_without_comments(CSS))
    ]
    assert not found, "use logical properties (inline-start/end) so RTL mirrors:\n" + "\n".join(
        found
    )


def test_every_class_in_the_contract_is_styled():
    css = _without_comments(CSS)
    missing = [name for name in CONTRACT if not re.search(rf"\.{re.escape(name)}(?![\w-])", css)]
    assert not missing, f"classes templates rely on but app.css does not style: {missing}"


def test_directional_icons_mirror_and_arabic_has_its_fonts():
    css = _without_comments(CSS)
    assert re.search(r'\[dir="?rtl"?\]\s+\.icon-dir\s*\{[^}]*scaleX\(-1\)', css)
    assert re.search(r'--font-arabic:\s*"Noto Sans Arabic",\s*"Noto Naskh Arabic"', css)
    assert "prefers-reduced-motion" in css
    assert ":focus-visible" in css


def test_templates_have_no_inline_styles_or_scripts():
    """The CSP (style-src/script-src 'self') would block them; emails are exempt."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("templates/email/") or rel.startswith("templates/reports/"):
            continue  # emails are not served under the CSP; PDFs render with their own CSS
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\sstyle\s*=", r"<style\b", r"<script\b(?![^>]*\bsrc=)", r"\son\w+\s*="):
            for m in re.finditer(pattern, text, flags=re.I):
                line = text.count("\n", 0, m.start()) + 1
                offenders.append(f"{rel}:{line}: {m.group(0).strip()}")
    assert not offenders, "inline style/script is blocked by the CSP:\n" + "\n".join(offenders)
