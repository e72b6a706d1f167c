"""Session pages: a brand's list, scheduling (with clashes and suggested times), a session's
page, changing one occurrence or the rest of a series, cancelling, and the invitation file.

Thin, like every brand page: the permission decorator, a scoped load (another agency's or
brand's id is simply not found), one service call, render.  Times are shown on the viewer's
clock (their setting, else the browser's zone from the ``tz`` cookie, else the brand's)
through ``saas.presentation.session_times``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import case

from saas.domain.sessions import PARTS, normalise_email
from saas.extensions import db
from saas.http import get_or_404, page_args, paginate
from saas.i18n import gettext as _
from saas.i18n import use_brand
from saas.models import Brand, Membership, StrategySession
from saas.presentation.session_times import LocalTime, local
from saas.services import members as members_service
from saas.services import strategy_sessions as service
from saas.services.errors import ServiceError
from saas.services.strategy_sessions import SessionConflict
from saas.web.common import allowed, require
from saas.web.sessions import agenda, bp, minutes, reminders, responses
from saas.web.sessions.clock import knows_zone, viewer_zone
from saas.web.sessions.forms import (
    KIND_LABELS,
    PART_LABELS,
    REPEAT_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
    CancelForm,
    SessionForm,
    slot_value,
)
from tenants.models import utcnow

PER_PAGE = 20


# --- loading --------------------------------------------------------------------------------


def _brand(brand_id: int) -> Brand:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    return brand


def _session(brand: Brand, session_id: int) -> StrategySession:
    """The brand's session, or 404 (another brand's session is not found here either)."""
    session = service.load(session_id)
    if session is None or session.brand_id != brand.id:
        abort(404)
    return session


def _people(brand: Brand) -> list[Membership]:
    """The agency's members who may see the brand: who can be invited as a member."""
    return [
        m
        for m in db.session.scalars(members_service.members_query())
        if m.sees_all_brands or brand.id in (m.brand_ids or ())
    ]


def _when(session: StrategySession, zone: str) -> LocalTime:
    return local(session.starts_at, session.duration_minutes, zone, str(get_locale()))


def _context(brand: Brand, **extra: Any) -> dict[str, Any]:
    return {
        "brand": brand,
        "KIND_LABELS": KIND_LABELS,
        "PART_LABELS": PART_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "STATUS_BADGES": STATUS_BADGES,
        "REPEAT_LABELS": REPEAT_LABELS,
        "PARTS": PARTS,
        "can_edit_sessions": allowed("session.edit"),
        # No zone of the person's own yet: sessions.js learns the browser's and redraws.
        "learn_browser_zone": not knows_zone(),
        **extra,
    }


# --- list -----------------------------------------------------------------------------------


@bp.get("/brands/<int:brand_id>/sessions")
@require("session.view")
def index(brand_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    now = datetime.now(UTC).replace(tzinfo=None)
    upcoming = StrategySession.starts_at >= now
    stmt = (
        service.for_brand(brand.id)
        .order_by(None)
        .order_by(
            case((upcoming, 0), else_=1),
            case((upcoming, StrategySession.starts_at), else_=None).asc(),
            StrategySession.starts_at.desc(),
            StrategySession.id,
        )
    )
    page, per_page = page_args(PER_PAGE)
    result = paginate(stmt, page, per_page)
    zone = viewer_zone(brand)
    rows = [
        {"session": s, "when": _when(s, zone), "upcoming": s.starts_at >= now} for s in result.items
    ]
    return render_template("sessions/index.html", **_context(brand, page=result, rows=rows))


# --- schedule and change ---------------------------------------------------------------------


def _conflicts(raw: list[dict[str, Any]], zone: str, form: SessionForm) -> list[dict[str, Any]]:
    """The service's clashes for the page: titles only where it gave one (the others are
    only "busy"), each time on the viewer's clock, people by name where they are members."""
    names = {m.user.email.lower(): m.user.name for m in form.people.values()}
    out = []
    for clash in raw:
        start = datetime.fromisoformat(clash["starts_at"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(clash["ends_at"].replace("Z", "+00:00"))
        minutes_ = int((end - start).total_seconds() // 60)
        out.append(
            {
                "title": clash.get("title"),
                "when": local(start, minutes_, zone, str(get_locale())),
                "people": [names.get(e, e) for e in clash.get("busy", [])],
            }
        )
    return out


def _suggest(form: SessionForm, brand: Brand, zone: str) -> list[dict[str, Any]] | None:
    """Free slots for the chosen people and duration in the next 14 days, on the viewer's
    clock; None (with the errors on the form) when the service refuses."""
    emails = [form.people[i].user.email for i in form.chosen]
    emails += [e for e in (normalise_email(x) for x in form.guest_emails()) if e]
    try:
        slots = service.suggest(
            g.membership,
            brand,
            {
                "duration_minutes": (form.duration_minutes.data or "").strip() or None,
                "attendees": ",".join(emails),
            },
        )
    except ServiceError as err:
        form.show(err)
        return None
    minutes_ = form.duration_minutes.data
    length = int(minutes_) if (minutes_ or "").strip().isdigit() else 60
    return [
        {"value": slot_value(start), "when": local(start, length, zone, str(get_locale()))}
        for start, _end in slots
    ]


def _render_form(
    brand: Brand,
    form: SessionForm,
    session: StrategySession | None,
    status: int = 200,
    **extra: Any,
) -> ResponseReturnValue:
    template = "sessions/edit.html" if session is not None else "sessions/new.html"
    return render_template(template, **_context(brand, form=form, session=session, **extra)), status


def _submit(
    brand: Brand, form: SessionForm, session: StrategySession | None
) -> ResponseReturnValue:
    """Suggest times, or schedule / change; a refusal or clash re-renders with every input."""
    zone = viewer_zone(brand)
    if form.suggesting:
        slots = _suggest(form, brand, zone)
        status = 422 if slots is None else 200
        return _render_form(brand, form, session, status, slots=slots or [], suggested=True)
    if session is None:
        body, origin = form.body()
    else:
        body, origin = form.changes(session)
    try:
        if session is None:
            rows = service.create(g.membership, brand, body)
        else:
            rows = service.update(g.membership, session, brand, body)
    except SessionConflict as err:
        form.confirm_conflicts.data = False
        return _render_form(
            brand, form, session, 409, conflicts=_conflicts(err.conflicts, zone, form)
        )
    except ServiceError as err:
        form.show(err, origin)
        return _render_form(brand, form, session, 422 if err.status < 500 else err.status)
    target = rows[0] if rows else session
    if session is None:
        flash(
            _("The session was scheduled.")
            if len(rows) == 1
            else _("%(count)s sessions were scheduled.", count=len(rows)),
            "success",
        )
    else:
        flash(_("Changes saved."), "success")
    assert target is not None
    return redirect(url_for("sessions.show", brand_id=brand.id, session_id=target.id), code=303)


@bp.route("/brands/<int:brand_id>/sessions/new", methods=["GET", "POST"])
@require("session.edit")
def new(brand_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    form = SessionForm(people=_people(brand), zone=viewer_zone(brand))
    if form.is_submitted() and form.validate():
        return _submit(brand, form, None)
    if not form.is_submitted() and current_user.id in form.people:
        form.chosen = [current_user.id]  # the organiser attends, unless unticked
    status = 422 if form.errors else 200
    return _render_form(brand, form, None, status)


# --- one session ------------------------------------------------------------------------------


def _location_url(location: str | None) -> str | None:
    text = (location or "").strip()
    return text if text.lower().startswith(("https://", "http://")) and " " not in text else None


@bp.get("/brands/<int:brand_id>/sessions/<int:session_id>")
@require("session.view")
def show(brand_id: int, session_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    session = _session(brand, session_id)
    zone = viewer_zone(brand)
    when = _when(session, zone)
    organiser_when = _when(session, session.timezone) if session.timezone != zone else None
    panels: dict[str, Any] = {}
    for module in (responses, agenda, minutes, reminders):
        panels.update(module.panel(session, brand) or {})
    return render_template(
        "sessions/show.html",
        **{
            **panels,
            **_context(
                brand,
                session=session,
                when=when,
                organiser_when=organiser_when,
                location_url=_location_url(session.location),
                is_series=session.series_id is not None,
                started=session.starts_at <= utcnow(),
            ),
        },
    )


@bp.route("/brands/<int:brand_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@require("session.edit")
def edit(brand_id: int, session_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    session = _session(brand, session_id)
    if session.status == "cancelled":
        flash(_("This session was cancelled; schedule a new one."), "error")
        return redirect(url_for("sessions.show", brand_id=brand.id, session_id=session.id))
    form = SessionForm(people=_people(brand), zone=session.timezone)
    form.remember_guests(session)
    if form.is_submitted() and form.validate():
        return _submit(brand, form, session)
    if not form.is_submitted():
        form.fill(session)
    status = 422 if form.errors else 200
    return _render_form(brand, form, session, status)


@bp.route("/brands/<int:brand_id>/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@require("session.edit")
def cancel(brand_id: int, session_id: int) -> ResponseReturnValue:
    """Asks first (GET); the POST cancels this occurrence or the rest of its series."""
    brand = _brand(brand_id)
    session = _session(brand, session_id)
    form = CancelForm()
    if form.validate_on_submit():
        scope = form.scope.data if session.series_id is not None else "one"
        try:
            service.cancel(g.membership, session, scope=scope)
        except ServiceError as err:
            flash(err.message, "error")
        else:
            flash(_("The session was cancelled."), "success")
            return redirect(
                url_for("sessions.show", brand_id=brand.id, session_id=session.id), code=303
            )
    return render_template(
        "sessions/cancel.html",
        **_context(
            brand,
            session=session,
            form=form,
            when=_when(session, viewer_zone(brand)),
            is_series=session.series_id is not None,
        ),
    )


@bp.get("/brands/<int:brand_id>/sessions/<int:session_id>/invite.ics")
@require("session.view")
def invite(brand_id: int, session_id: int) -> ResponseReturnValue:
    """The invitation as a calendar file (REQUEST, or CANCEL once cancelled)."""
    brand = _brand(brand_id)
    session = _session(brand, session_id)
    data, method = service.invite_ics(session)
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = f"text/calendar; charset=utf-8; method={method}"
    response.headers["Content-Disposition"] = f'attachment; filename="session-{session.id}.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
