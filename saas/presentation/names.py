"""User-entered names inside a translated sentence: quoted, isolated, joined for the locale."""

from __future__ import annotations

from babel.lists import format_list
from babel.numbers import format_decimal
from flask_babel import force_locale

from saas.i18n import gettext as _

RTL_LOCALES = frozenset({"ar"})


def quoted_names(names: list[str], locale: str, limit: int = 4) -> str:
    """«A»، «B» و2 more: names in a sentence, plain text (the template escapes it).

    First-strong isolates keep a Latin name from swallowing the Arabic around it, and the
    list is joined with the locale's own commas and "and".
    """
    rtl = locale in RTL_LOCALES
    shown = [f"«\u2068{n}\u2069»" if rtl else f"“\u2068{n}\u2069”" for n in names[:limit]]
    if len(names) > limit:
        with force_locale(locale):
            more = format_decimal(len(names) - limit, locale=locale)
            shown.append(_("%(count)s more", count=more))
    return format_list(shown, locale=locale)
