"""``sign_in``: the real POST /login when it works, else the session Flask-Login writes.

The fallback lets this area's tests run while the sign-in page is built in parallel; once
/login answers with a redirect it is the path taken.  ``on=`` signs in a second browser.
"""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD


@pytest.fixture
def sign_in(client):
    def _sign_in(membership, on=None):
        browser = on or client
        user = membership.user
        resp = browser.post("/login", data={"email": user.email, "password": PASSWORD})
        if resp.status_code not in (302, 303):
            from flask_login.utils import _create_identifier

            with browser.application.test_request_context(environ_base=browser.environ_base):
                identifier = _create_identifier()
            from saas.extensions import db
            from saas.services import sessions

            with browser.application.test_request_context():
                sessions.start(user)
                db.session.commit()
            with browser.session_transaction() as sess:
                sess["_user_id"] = user.get_id()
                sess["_fresh"] = True
                sess["_id"] = identifier
        with browser.session_transaction() as sess:
            sess["agency_id"] = membership.agency_id
        return browser

    return _sign_in
