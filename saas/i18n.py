"""English and Arabic: locale selection, and catalogues compiled from ``.po`` at start-up.

Compiling at start keeps binaries out of git and the ``.mo`` always in step with the ``.po``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext, refresh

__all__ = [
    "gettext",
    "lazy_gettext",
    "ngettext",
    "init_app",
    "select_locale",
    "use_brand",
    "text_direction",
    "LANGUAGES",
]

SOURCE_DIR = Path(__file__).parent / "translations"
LANGUAGES = ("en", "ar")
RTL = {"ar"}


def compile_catalogues(target: Path) -> Path:
    """Compile every ``<lang>/LC_MESSAGES/messages.po`` under SOURCE_DIR into ``target``.

    The ``.mo`` takes the ``.po``'s modification time, and is rebuilt whenever the two differ
    (newer *or older*, as after switching branches).  Written to a temporary file and renamed,
    so several workers starting at once never read half a file.
    """
    for po_path in SOURCE_DIR.glob("*/LC_MESSAGES/*.po"):
        rel = po_path.relative_to(SOURCE_DIR).with_suffix(".mo")
        mo_path = target / rel
        po_stat = po_path.stat()
        if mo_path.exists() and mo_path.stat().st_mtime_ns == po_stat.st_mtime_ns:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=rel.parts[0])
        fd, tmp = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog)
        os.utime(tmp, ns=(po_stat.st_atime_ns, po_stat.st_mtime_ns))
        os.replace(tmp, mo_path)
    return target


def select_locale() -> str:
    """The language for this request, first match wins.

    1. the signed-in user's own choice (profile), so a person always reads their language;
    2. the language of the brand being viewed (``g.brand``), so a client leader who never
       chose one reads their brand's language;
    3. the ``lang`` cookie set by the language links on the public pages;
    4. the browser's Accept-Language;
    5. the agency's default language, then English.
    """
    from flask import has_request_context
    from flask_login import current_user

    if not has_request_context():
        # A job or command: callers choose the language with force_locale().
        return "en"
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in LANGUAGES:
        return user_locale
    brand = getattr(g, "brand", None)
    if brand is not None and getattr(brand, "language", None) in LANGUAGES:
        return brand.language
    cookie = request.cookies.get("lang")
    if cookie in LANGUAGES:
        return cookie
    best = request.accept_languages.best_match(LANGUAGES)
    if best:
        return best
    agency = getattr(g, "agency", None)
    if agency is not None and getattr(agency, "default_locale", None) in LANGUAGES:
        return agency.default_locale
    return "en"


def use_brand(brand: object) -> None:
    """Make ``brand`` the request's brand and choose the language again.

    Flask-Babel remembers the locale from its first use in a request; a view that sets
    ``g.brand`` after anything was translated (a form's lazy label, a flash) would otherwise
    keep the earlier language.
    """
    g.brand = brand
    refresh()


def text_direction() -> str:
    return "rtl" if str(get_locale()) in RTL else "ltr"


def init_app(app: Flask, babel: Babel) -> None:
    compiled = compile_catalogues(Path(app.instance_path) / "translations")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.add_extension("jinja2.ext.i18n")

    @app.context_processor
    def _i18n_context() -> dict[str, object]:
        locale = str(get_locale())
        return {
            "current_locale": locale,
            "text_direction": text_direction(),
            "LANGUAGES": LANGUAGES,
        }
