"""Web pages of leadership strategy sessions: the list, scheduling, a session's page with
its agenda and minutes (``sessions`` blueprint, signed in), and the public pages a link in
an email opens without signing in: RSVP and the personal calendar feed (``session_links``).

Modules: ``views`` (list, schedule, session page, edit, cancel), ``agenda``, ``minutes``
(minutes, decisions, action items), ``links`` (RSVP, feed).  Each adds its routes to one
of the two blueprints below.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sessions", __name__)
links_bp = Blueprint("session_links", __name__)

from saas.web.sessions import agenda, links, minutes, reminders, responses, views  # noqa: E402, F401
