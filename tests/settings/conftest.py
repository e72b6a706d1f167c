"""Settings tests: a fresh ``g`` per request, as in production.

``db_app`` keeps one app context open for the whole test and Flask reuses it for every
request, so ``g`` (Flask-Login's ``g._login_user``, Flask-Babel's cached locale,
``g.membership``) would otherwise leak from one request, or one browser, into the next.
"""

from __future__ import annotations

import pytest
from flask import g, request_started


@pytest.fixture(autouse=True)
def fresh_g_per_request(db_app):
    def _clear(_sender, **_extra):
        for key in list(vars(g)):
            delattr(g, key)

    request_started.connect(_clear, db_app)
    yield
    request_started.disconnect(_clear, db_app)
