"""A database that went away answers 503 with ``Retry-After``, never a 500.

PostgreSQL restarted, failed over, or refused new connections: the request's transaction
was rolled back (or never began), so nothing is half-written, and the same request may be
sent again in a moment.  ``pool_pre_ping`` (``saas.config``) throws away the pooled
connections a restart killed before the next request uses one; what it cannot save is the
request that was running at that instant, or one that arrives while the server is still
down.  Those are the errors recognised here.

Only errors that mean "the database is unreachable" qualify: a lost or refused connection,
the server shutting down or starting up, too many connections, a full pool.  An
``OperationalError`` that is our bug (SQLite's "no such table") stays a 500.
"""

from __future__ import annotations

from sqlalchemy import exc

RETRY_AFTER_SECONDS = 5

# The exception classes a handler is registered for (``saas.web.errors``).
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.DisconnectionError,
    exc.TimeoutError,  # the connection pool was exhausted for ``pool_timeout`` seconds
)

# SQLSTATE classes meaning the server cannot serve us (PostgreSQL appendix A):
# 08 connection exception, 57P01-57P03 admin/crash shutdown and "cannot connect now",
# 53 insufficient resources (53300 too many connections).
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53")


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database is unreachable, not that a statement was wrong."""
    if isinstance(error, exc.DisconnectionError | exc.TimeoutError):
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, exc.OperationalError | exc.InterfaceError):
        return False
    orig = error.orig
    if not hasattr(orig, "sqlstate"):  # not psycopg: only SQLAlchemy's verdict above counts
        return False
    sqlstate = orig.sqlstate
    # No SQLSTATE: psycopg's own client-side failure (refused, reset, timed out).
    return sqlstate is None or str(sqlstate).startswith(_UNAVAILABLE_SQLSTATES)
