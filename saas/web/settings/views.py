"""Agency settings, profile, API tokens, audit log, email outbox."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import refresh
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from saas.domain.sessions import pick_zone
from saas.extensions import limiter
from saas.http import get_or_404, page_args, paginate
from saas.i18n import gettext as _
from saas.i18n import lazy_gettext as _l
from saas.models import OutboxMessage
from saas.presentation.labels import audit as audit_labels
from saas.presentation.labels.audit import ACTION_LABELS, OBJECT_LABELS  # noqa: F401
from saas.services import accounts, mail, storage, time_settings
from saas.services import agency as agency_service
from saas.services import members as members_service
from saas.services import tokens as token_service
from saas.services.errors import NotFound, ServiceError
from saas.web.auth.signin import start_session
from saas.web.common import require
from saas.web.forms import show_errors
from saas.web.settings.forms import (
    AgencyForm,
    ConfirmForm,
    PasswordForm,
    ProfileForm,
    RequireTwoFactorForm,
    TimeSettingsForm,
    TokenForm,
)

bp = Blueprint("settings", __name__, url_prefix="/settings")

# Audit actions and objects in words: saas/presentation/labels/audit.py (re-exported here).

STATUS_BADGES = {
    "queued": ("badge-muted", _l("Queued")),
    "sending": ("badge-warn", _l("Sending")),
    "sent": ("badge-ok", _l("Sent")),
    "retrying": ("badge-warn", _l("Retrying")),
    "failed": ("badge-bad", _l("Failed")),
    "dead": ("badge-bad", _l("Failed")),
}


def agency_logo_url() -> str | None:
    """The signed-in member's agency logo URL (cache-busted), or ``None`` without one.

    A template global, so the layout can show the agency's logo beside its name.
    """
    agency = getattr(g, "agency", None)
    if agency is None or not agency.logo_path:
        return None
    return url_for("settings.logo", v=_logo_version(agency.logo_path))


def _logo_version(path: str) -> str:
    return path.rsplit("/", 1)[-1].split(".", 1)[0][:12]


@bp.app_context_processor
def _settings_helpers() -> dict[str, object]:
    return {
        "agency_logo_url": agency_logo_url,
        "audit_action_label": audit_labels.action_label,
        "audit_object_label": audit_labels.object_label,
        "outbox_badge": lambda status: STATUS_BADGES.get(status, ("badge-muted", status)),
        "account_mail_summary": account_mail_summary,
    }


ACCOUNT_MAIL_SUMMARIES = {
    "password_reset": _l("Password-reset link sent to %(email)s"),
    "magic_link": _l("Sign-in link sent to %(email)s"),
    "email_change": _l("Email-change confirmation link sent to %(email)s"),
}


def account_mail_summary(message: OutboxMessage) -> str | None:
    """What the outbox may say of account mail: that a link was sent, never the link.

    ``None`` for ordinary mail, whose text the owner may read.
    """
    if not mail.is_account_mail(message):
        return None
    words = ACCOUNT_MAIL_SUMMARIES.get(message.kind, _l("Account email sent to %(email)s"))
    return str(words) % {"email": message.to_email}


# --- Agency ------------------------------------------------------------------------------------


class LogoForm(FlaskForm):
    """The logo upload, a form of its own so a refused image leaves the settings untouched."""

    logo = FileField(
        _l("Logo file"), render_kw={"accept": "image/png,image/jpeg,image/webp,image/gif"}
    )


def _render_index(form: AgencyForm, logo_form: LogoForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "settings/index.html",
        form=form,
        logo_form=logo_form,
        two_factor_form=RequireTwoFactorForm(
            formdata=None, require_two_factor=bool(g.agency.require_two_factor)
        ),
        logo_url=agency_logo_url(),
        max_logo_mb=storage.MAX_LOGO_BYTES // (1024 * 1024),
    ), status


@bp.route("/", methods=["GET", "POST"])
@require("agency.settings")
def index() -> ResponseReturnValue:
    agency = g.agency
    form = AgencyForm(obj=agency)
    if form.validate_on_submit():
        try:
            agency_service.update_agency(
                agency,
                actor=current_user,
                name=form.name.data,
                accent_color=form.accent_color.data,
                default_locale=form.default_locale.data,
            )
        except ServiceError as exc:
            show_errors(form, exc)
        else:
            flash(_("Agency settings saved."), "success")
            return redirect(url_for("settings.index"))
    return _render_index(form, LogoForm(formdata=None))


# --- Agency logo (white-labelling: the layout, emails and report covers show it) ----------------

LOGO_MAX_AGE = 24 * 3600


@bp.route("/logo", methods=["POST"])
@require("agency.settings")
def logo_upload() -> ResponseReturnValue:
    agency = g.agency
    logo_form = LogoForm()
    if logo_form.validate_on_submit():
        upload = logo_form.logo.data
        if not upload:
            logo_form.logo.errors = [_("Choose an image file to upload.")]
        else:
            try:
                agency_service.set_logo(agency, upload.stream, actor=current_user)
            except ServiceError as exc:
                show_errors(logo_form, exc)
            else:
                flash(_("Agency logo saved."), "success")
                return redirect(url_for("settings.index"), code=303)
    return _render_index(AgencyForm(obj=agency, formdata=None), logo_form, 422)


@bp.route("/logo", methods=["GET"])
@login_required
def logo() -> ResponseReturnValue:
    """The signed-in member's own agency logo; there is no agency id to probe, so no other
    agency's logo can be asked for.  404 when the agency has none."""
    agency = getattr(g, "agency", None)
    relative = agency.logo_path if agency is not None else None
    path = storage.resolve(relative)
    kind = storage.image_kind(relative) if relative else None
    if path is None or kind is None:
        abort(404)
    response = send_file(path, mimetype=kind.mimetype, max_age=LOGO_MAX_AGE, conditional=True)
    # Tenant data: the browser may keep it, shared caches may not.
    response.cache_control.public = False
    response.cache_control.private = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox"
    )
    response.headers["Content-Disposition"] = "inline"
    response.vary.add("Cookie")
    return response


# --- Profile -----------------------------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> ResponseReturnValue:
    form = ProfileForm(obj=current_user, locale=current_user.locale or g.agency.default_locale)
    if form.validate_on_submit():
        try:
            agency_service.update_profile(
                current_user, name=form.name.data, locale=form.locale.data
            )
        except ServiceError as exc:
            show_errors(form, exc)
        else:
            refresh()  # say "saved" in the language just chosen
            flash(_("Your profile was saved."), "success")
            return redirect(url_for("settings.profile"))
    return render_template(
        "settings/profile.html",
        form=form,
        password_form=PasswordForm(),
        time_form=_time_form(),
    )


def _fallback_zone() -> str:
    """Where a person without a zone of their own probably is: their browser's zone (the
    ``tz`` cookie of sessions.js), else the zone of the first brand they work on."""
    brands = members_service.brands_in_scope()
    return pick_zone(request.cookies.get("tz"), brands[0].timezone if brands else None)


def _time_form(submitted: bool = False) -> TimeSettingsForm:
    """The time settings form: what was posted, or the person's settings and defaults."""
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    if submitted:
        return TimeSettingsForm()
    shown = time_settings.current(user, _fallback_zone())
    return TimeSettingsForm(
        formdata=None,
        data={
            "timezone": shown.timezone,
            "days": [str(d) for d in shown.days],
            "start": shown.start,
            "end": shown.end,
        },
        browser_zone=not shown.zone_is_set,
    )


@bp.route("/profile/time", methods=["POST"])
@login_required
def time_settings_save() -> ResponseReturnValue:
    """The profile's time zone and working hours (a form of its own on the profile page)."""
    form = _time_form(submitted=True)
    if form.validate_on_submit():
        try:
            time_settings.save(
                current_user._get_current_object(),  # type: ignore[attr-defined]
                timezone=form.timezone.data,
                days=form.days.data,
                start=form.start.data,
                end=form.end.data,
            )
        except ServiceError as exc:
            show_errors(form, exc)
        else:
            flash(_("Your time zone and working hours were saved."), "success")
            return redirect(url_for("settings.profile"), code=303)
    profile_form = ProfileForm(
        obj=current_user, locale=current_user.locale or g.agency.default_locale, formdata=None
    )
    return render_template(
        "settings/profile.html",
        form=profile_form,
        password_form=PasswordForm(formdata=None),
        time_form=form,
    ), 422


@bp.route("/profile/password", methods=["POST"])
@login_required
def password() -> ResponseReturnValue:
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            agency_service.change_password(
                current_user, current=form.current_password.data, new=form.new_password.data
            )
        except ServiceError as exc:
            show_errors(form, exc)
        else:
            # Every session ended with the old password; keep this one signed in.
            start_session(current_user._get_current_object(), g.membership.agency_id)  # type: ignore[attr-defined]
            flash(_("Your password was changed. Other sessions have been signed out."), "success")
            return redirect(url_for("settings.profile"))
    profile_form = ProfileForm(obj=current_user, locale=current_user.locale or "en")
    return render_template(
        "settings/profile.html",
        form=profile_form,
        password_form=form,
        time_form=_time_form(),
    )


@bp.route("/profile/sessions/end", methods=["GET", "POST"])
@login_required
def sign_out_everywhere() -> ResponseReturnValue:
    """End every session of this person, on every device, this one included (asks first)."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("settings/sign_out_everywhere.html", form=form)
    accounts.sign_out_everywhere(current_user._get_current_object(), g.membership)  # type: ignore[attr-defined]
    session.clear()
    logout_user()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("auth.login"))


# --- API tokens --------------------------------------------------------------------------------


def _token_creator_key() -> str:
    return f"tokens:{getattr(current_user, 'id', 'anon')}"


# Every token made counts (a stolen session must not mint tokens without end), per person.
_token_creation = limiter.limit(
    lambda: current_app.config.get("TOKEN_CREATE_LIMIT_PER_USER") or "20 per hour",
    key_func=_token_creator_key,
    methods=["POST"],
    scope="token-create",
)


@bp.route("/tokens", methods=["GET", "POST"])
@require("token.manage_own")
@_token_creation
def tokens() -> ResponseReturnValue:
    form = TokenForm()
    created = raw = None
    if form.validate_on_submit():
        try:
            created, raw = token_service.create_token(g.membership, form.name.data)
        except ServiceError as exc:
            show_errors(form, exc)
        else:
            g.no_store = True  # the raw token is on this page: never cache it
            form = TokenForm(formdata=None)
    return render_template(
        "settings/tokens.html",
        form=form,
        tokens=token_service.list_tokens(current_user.id),
        created=created,
        raw_token=raw,
    )


@bp.route("/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@require("token.manage_own")
def token_revoke(token_id: int) -> ResponseReturnValue:
    try:
        token = token_service.get_own_token(current_user.id, token_id)
    except NotFound:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        token_service.revoke_token(token, actor=current_user)
        flash(_("The token was revoked. Programs using it can no longer sign in."), "success")
        return redirect(url_for("settings.tokens"))
    return render_template("settings/token_revoke.html", token=token, form=form)


# --- Audit log and outbox (owner) -------------------------------------------------------------


@bp.route("/audit")
@require("audit.view")
def audit() -> ResponseReturnValue:
    action = request.args.get("action", "").strip()[:64] or None
    page, per_page = page_args(default_per_page=50)
    events = paginate(agency_service.audit_events_stmt(action), page, per_page)
    return render_template(
        "settings/audit.html",
        events=events,
        actions=agency_service.audit_actions(),
        action=action,
    )


@bp.route("/outbox")
@require("outbox.view")
def outbox() -> ResponseReturnValue:
    page, per_page = page_args()
    messages = paginate(agency_service.outbox_stmt(), page, per_page)
    return render_template("settings/outbox.html", messages=messages)


@bp.route("/outbox/<int:message_id>")
@require("outbox.view")
def outbox_message(message_id: int) -> ResponseReturnValue:
    message = get_or_404(OutboxMessage, message_id)
    return render_template("settings/outbox_message.html", message=message)


# --- Accent colour -----------------------------------------------------------------------------


@bp.route("/accent.css")
def accent_css() -> ResponseReturnValue:
    """The signed-in member's agency colour (or the default), validated again on the way out."""
    agency = getattr(g, "agency", None)
    colour = agency_service.safe_accent(agency.accent_color if agency is not None else None)
    response = make_response(f":root {{ --accent: {colour}; }}\n")
    response.mimetype = "text/css"
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Vary"] = "Cookie"
    return response
