"""Web pages of team capability (``capability`` blueprint: the skills matrix, a member's
ratings and the assess form, a skill's history, the agency's skills catalogue) and of
protected learning time (``learning``: the budget, learning items, "Learn this" from a
finding).

Modules: ``views`` (team, members, skills), ``learning`` (budget, items, Learn this),
``forms``.  Each adds its routes to one of the two blueprints below.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("capability", __name__)
learning_bp = Blueprint("learning", __name__)

from saas.web.capability import learning, views  # noqa: E402, F401


def _helpers() -> dict[str, object]:
    from flask_babel import format_date

    from saas.web.capability.forms import SOURCE_LABELS

    return {"cap_date": format_date, "SOURCE_LABELS": SOURCE_LABELS}


bp.context_processor(_helpers)
learning_bp.context_processor(_helpers)
