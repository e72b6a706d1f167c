"""English and Arabic: locale selection, and catalogues compiled from ``.po`` at start-up.

Compiling at start keeps binaries out of git and the ``.mo`` always in step with the ``.po``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from flask import Flask, g, request
from flask_babel import (
    Babel,
    get_locale,
    get_translations,
    gettext,
    lazy_gettext,
    ngettext,
    refresh,
)
from flask_babel import format_date as flask_format_date
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

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


def template_gettext(translations: Any) -> dict[str, Callable[..., str]]:
    """``_``, ``gettext``, ``ngettext``, ``pgettext`` and ``npgettext`` for one render, bound
    to one translations object.

    The callables Flask-Babel installs in Jinja look the request's locale and catalogue up
    again on every call (``g``, the locale selector's cache, the domain's cache: a dozen
    context-local lookups), and a page calls them hundreds of times.  These behave exactly as
    Jinja's new-style ones (``jinja2.ext._make_new_gettext`` and friends: marked safe under
    autoescape, always ``%``-formatted, ``num`` and ``context`` filled in) but resolve the
    catalogue once, when the template starts rendering.  Macros imported from another
    template without context keep the global callables, which give the same text.
    """
    ugettext = translations.ugettext
    ungettext = translations.ungettext
    upgettext = translations.upgettext
    unpgettext = translations.unpgettext

    @pass_eval_context
    def _gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
        rv = ugettext(string)
        if eval_ctx.autoescape:
            rv = Markup(rv)  # noqa: S704 - our catalogue, as Jinja's own gettext does
        return rv % variables  # type: ignore[no-any-return]

    @pass_eval_context
    def _ngettext(
        eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        rv = ungettext(singular, plural, num)
        if eval_ctx.autoescape:
            rv = Markup(rv)  # noqa: S704 - our catalogue, as Jinja's own gettext does
        return rv % variables  # type: ignore[no-any-return]

    @pass_eval_context
    def _pgettext(eval_ctx: EvalContext, context: str, string: str, /, **variables: Any) -> str:
        variables.setdefault("context", context)
        rv = upgettext(context, string)
        if eval_ctx.autoescape:
            rv = Markup(rv)  # noqa: S704 - our catalogue, as Jinja's own gettext does
        return rv % variables  # type: ignore[no-any-return]

    @pass_eval_context
    def _npgettext(
        eval_ctx: EvalContext,
        context: str,
        singular: str,
        plural: str,
        num: int,
        /,
        **variables: Any,
    ) -> str:
        variables.setdefault("context", context)
        variables.setdefault("num", num)
        rv = unpgettext(context, singular, plural, num)
        if eval_ctx.autoescape:
            rv = Markup(rv)  # noqa: S704 - our catalogue, as Jinja's own gettext does
        return rv % variables  # type: ignore[no-any-return]

    return {
        "_": _gettext,
        "gettext": _gettext,
        "ngettext": _ngettext,
        "pgettext": _pgettext,
        "npgettext": _npgettext,
    }


class Formats:
    """Numbers and dates in one language, for templates that print many (``fmt`` in every
    template): the same text as ``num`` (plans) and the ``dateformat`` filter, without
    asking Flask-Babel for the request's locale on every call.  ``fmt.num`` remembers what
    it printed (a page repeats the same budgets and baselines); ``fmt.date`` shares what
    it printed across requests (``_DATES``: a calendar date's text depends only on the date,
    the format and the language)."""

    __slots__ = ("locale", "_numbers", "_locale_key")

    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        self._numbers: dict[tuple[type, object], str] = {}
        self._locale_key = str(locale)

    def num(self, value: Any) -> str:
        """A number with at most two decimals, grouped as the language does; a dash for none."""
        if value is None:
            return "—"
        key = (type(value), value)
        text = self._numbers.get(key)
        if text is None:
            text = self._numbers[key] = format_decimal(value, format="#,##0.##", locale=self.locale)
        return text

    def date(self, value: Any, format: str = "medium") -> str:
        """A calendar date (``datetime.date``) as ``|dateformat(format)`` prints it (a date is
        never moved to the reader's time zone, so none is needed)."""
        if isinstance(value, datetime):  # a moment: Flask-Babel moves it to the reader's zone
            return flask_format_date(value, format)
        key = (type(value), value, format, self._locale_key)
        text = _DATES.get(key)
        if text is None:
            text = format_date(value, format=format, locale=self.locale)
            if len(_DATES) >= _DATES_MAX:  # a bound, not a policy: start again
                _DATES.clear()
            _DATES[key] = text
        return text


# Calendar dates as ``Formats.date`` printed them, by (type, date, format, language).
_DATES: dict[tuple[type, object, str, str], str] = {}
_DATES_MAX = 20_000


_LABELS: dict[tuple[int, str], tuple[Mapping[Any, Any], dict[Any, Any]]] = {}


def translated(mapping: Mapping[Any, Any]) -> dict[Any, Any]:
    """A module-level label map (values ``lazy_gettext`` strings) evaluated once per process
    and language: a plain dict of the same keys and the same text.

    A lazy string in a template is a whole ``gettext`` each time it is printed; a table of
    campaigns prints hundreds.  Values are ``Markup`` as a lazy string prints (its
    ``__html__`` is its text), so the page is byte for byte what the lazy map gave.  Only for
    maps that live as long as the process (the cache holds them, by identity).
    """
    locale = str(get_locale())
    key = (id(mapping), locale)
    hit = _LABELS.get(key)
    if hit is not None and hit[0] is mapping:
        return hit[1]
    # Marked safe as the lazy string's __html__ is: the page is byte for byte the same.
    values = {
        k: Markup(str(v)) if hasattr(v, "__html__") else v  # noqa: S704 - see above
        for k, v in mapping.items()
    }
    if len(_LABELS) > 512:  # not a module-level map after all: never grow without bound
        _LABELS.clear()
    _LABELS[key] = (mapping, values)
    return values


def init_app(app: Flask, babel: Babel) -> None:
    compiled = compile_catalogues(Path(app.instance_path) / "translations")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.add_extension("jinja2.ext.i18n")

    @app.context_processor
    def _i18n_context() -> dict[str, object]:
        babel_locale = get_locale()
        locale = str(babel_locale)
        return {
            "current_locale": locale,
            "fmt": Formats(babel_locale),
            "text_direction": "rtl" if locale in RTL else "ltr",
            "LANGUAGES": LANGUAGES,
            **template_gettext(get_translations()),
        }

    app.jinja_env.globals["translated"] = translated
