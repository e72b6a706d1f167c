"""Account tests need what production has: a fresh ``g`` for every request.

The shared fixtures keep one app context open for the whole test, and Flask reuses it for
every request, so Flask-Login's cached ``g._login_user`` (and the locale, the tenant) would
carry over from one request, or one client, to the next.  Here each request runs in its
own app context, as it does behind a real server.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient


class FreshContextClient(FlaskClient):
    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(autouse=True)
def _fresh_context_per_request(db_app) -> Iterator[None]:
    saved = db_app.test_client_class
    db_app.test_client_class = FreshContextClient
    yield
    db_app.test_client_class = saved


@pytest.fixture
def client(db_app, _fresh_context_per_request):
    return db_app.test_client()
