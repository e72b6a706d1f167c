"""The public pages an email or a calendar app opens without signing in.

- ``GET /sessions/rsvp/<token>`` shows the session and three buttons; a GET changes nothing
  (mail scanners follow links), ``POST`` records the answer.  The form carries the CSRF
  token like every form (the page may be open in a browser that is signed in).
- ``GET /calendar/<token>.ics`` is a person's calendar feed (``METHOD:PUBLISH``).

Both tokens name their tenant, which is entered explicitly (``tenant_scope``) after a
look-up that reads plain columns only.  RSVP is rate-limited per IP like sign-in links, the
feed per URL (calendar services fetch every subscriber's feed from a few addresses).
"""

from __future__ import annotations

from flask import Response, abort, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_limiter.util import get_remote_address
from wtforms import HiddenField

from saas.extensions import db, limiter
from saas.i18n import LANGUAGES
from saas.i18n import gettext as _
from saas.presentation import session_times
from saas.services.errors import Conflict, Gone, NotFound, ServiceError
from saas.services.hashing import hash_token
from saas.services.strategy_sessions import feed as feed_service
from saas.services.strategy_sessions import rsvp as service
from saas.services.strategy_sessions.people import zone_of
from saas.web.forms import TandemForm
from saas.web.sessions import links_bp
from tenants.context import tenant_scope


def _ip_key() -> str:
    return "ip:" + (get_remote_address() or "unknown")


def _feed_key() -> str:
    """Per feed URL, not per IP: calendar services fetch everyone's feeds from a few IPs."""
    token = (request.view_args or {}).get("token", "")
    return "feed:" + hash_token(str(token))[:32]


def _limit(name: str, default: str) -> object:
    return lambda: current_app.config.get(name) or default


class RsvpForm(TandemForm):
    """Only the CSRF token: the answer is the button pressed (``name="answer"``)."""

    answer = HiddenField()


def _locale(invitation: service.Invitation) -> str:
    """The reader's choice on this site, else the email's language."""
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    for locale in (
        invitation.member.locale if invitation.member is not None else None,
        invitation.brand.language,
        invitation.agency.default_locale,
    ):
        if locale in LANGUAGES:
            return locale
    return "en"


def _times(invitation: service.Invitation, locale: str) -> list[session_times.LocalTime]:
    s = invitation.session
    if invitation.member is not None:
        zone = zone_of(invitation.member, invitation.brand.timezone)
        return [session_times.local(s.starts_at, s.duration_minutes, zone, locale)]
    return list(session_times.for_guest(s.starts_at, s.duration_minutes, s.timezone, locale))


def _public(response: Response) -> Response:
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _gone_page(status: int, message: str) -> tuple[str, int]:
    return render_template("sessions/rsvp_gone.html", status=status, message=message), status


@links_bp.route("/sessions/rsvp/<token>", methods=["GET", "POST"], endpoint="rsvp")
@limiter.limit(_limit("RSVP_LIMIT_PER_IP", "60 per 10 minutes"), key_func=_ip_key, scope="rsvp-ip")
def rsvp(token: str) -> ResponseReturnValue:
    g.no_store = True  # the page names the person
    where = service.locate(token)
    if where is None:
        page, status = _gone_page(
            404, _("This link is not valid. Use the link in your invitation.")
        )
        return _public(Response(page, status=status))
    # Read and write in the session's tenant; render outside it, so the page's layout (a
    # signed-in visitor's brand switcher) sees only the visitor's own scope.
    with tenant_scope(where.agency_id, brand_ids=[where.brand_id]):
        try:
            invitation = service.load(where)
        except NotFound as err:
            db.session.rollback()
            invitation, message = None, err.message
        if invitation is not None:
            locale = _locale(invitation)
            with force_locale(locale):
                context, status = _answer(invitation, locale)
    if invitation is None:
        return _public(Response(*_gone_page(404, message)))
    with force_locale(locale):
        page = render_template("sessions/rsvp.html", token=token, **context)
    return _public(Response(page, status=status))


def _answer(invitation: service.Invitation, locale: str) -> tuple[dict[str, object], int]:
    """Record a POSTed answer (a GET only asks); the page's context and status."""
    form = RsvpForm()
    status, done, changed, error = 200, False, False, None
    closed: str | None = None
    try:
        service.check_open(invitation)
    except Conflict as err:
        closed, status = err.message, 410
    except Gone as err:
        closed, status = err.message, 410
    if closed is None and request.method == "POST":
        if form.validate_on_submit():
            try:
                invitation, changed = service.respond(invitation, request.form.get("answer", ""))
                done = True
            except ServiceError as err:
                error = err.fields.get("answer") or err.message
                status = err.status
        else:
            error = _("Your form expired. Please reload the page and try again.")
            status = 400
    preselected = request.args.get("answer")
    context = dict(
        form=form,
        invitation=invitation,
        session=invitation.session,
        attendee=invitation.attendee,
        brand=invitation.brand,
        agency=invitation.agency,
        times=_times(invitation, locale),
        answers=service.ANSWERS,
        preselected=preselected if preselected in service.ANSWERS else None,
        closed=closed,
        done=done,
        changed=changed,
        error=error,
    )
    return context, status


@links_bp.get("/calendar/<token>.ics", endpoint="feed")
@limiter.limit(_limit("FEED_LIMIT_PER_URL", "60 per hour"), key_func=_feed_key, scope="feed-url")
def feed(token: str) -> ResponseReturnValue:
    """The person's sessions as a subscribed calendar; 404 once reset or turned off."""
    user = feed_service.owner_of(token)
    if user is None:
        abort(404)
    data = feed_service.build(user)
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="tandem-sessions.ics"'
    response.headers["Cache-Control"] = "no-store"
    return _public(response)
