"""Extensions, created unbound and bound to an app in ``create_app``."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite (batch mode) and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _session_scope() -> tuple[int, int]:
    """One session per request *and* app context.

    Tests reuse one app context across many requests, so keying by the request keeps
    each request's identity map its own, as in production; keying by the app context
    too gives a job run eagerly during a request (its own app context) its own session.
    """
    from flask import has_request_context
    from flask.globals import _cv_app, _cv_request

    request_id = id(_cv_request.get()) if has_request_context() else 0
    return request_id, id(_cv_app.get(None))


# expire_on_commit=False: values stay readable after commit without a reload outside the
# tenant scope (e.g. rendering after a service commits, or a test reading a fixture's id).
db = SQLAlchemy(
    model_class=Base,
    session_options={"scopefunc": _session_scope, "expire_on_commit": False},
)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
