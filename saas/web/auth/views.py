"""Sign up, sign in and out, password reset, magic links, language choice.

Thin views: parse the form, call ``saas.services.accounts``, start a fresh session, render.
Every sign-in clears the old session first, so a session id never survives a login.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm

from saas.extensions import limiter
from saas.i18n import LANGUAGES
from saas.i18n import gettext as _
from saas.services import account as account_service
from saas.services import accounts, two_factor
from saas.services.errors import Gone, ServiceError
from saas.web import context as web_context
from saas.web.auth.forms import (
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    MagicLinkRequestForm,
    ResetPasswordForm,
    SignupForm,
    TwoFactorForm,
)
from saas.web.auth.signin import PENDING_KEY, SETUP_KEY, begin_sign_in, pending, start_session
from tenants.context import tenant_scope

bp = Blueprint("auth", __name__)

LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


# --- rate limits -------------------------------------------------------------------------


def _ip_key() -> str:
    return "ip:" + (get_remote_address() or "unknown")


def _email_key() -> str:
    return "email:" + accounts.lookup_email(request.form.get("email", ""))


def _account_ip_key() -> str:
    """Failed sign-ins count per account *and* IP: a guesser elsewhere cannot lock the
    owner out (the correct password from an IP without failures goes through), and the
    per-IP limit still bounds each guesser."""
    return f"{_email_key()}|{_ip_key()}"


def _attempt_failed(response: Any) -> bool:
    """Only failed sign-ins count against the login limits: the view answers those 401."""
    return response.status_code == 401


def _config_limit(name: str, default: str) -> Any:
    return lambda: current_app.config.get(name) or default


_login_per_ip = limiter.limit(
    _config_limit("LOGIN_LIMIT_PER_IP", "30 per 15 minutes"),
    key_func=_ip_key,
    methods=["POST"],
    deduct_when=_attempt_failed,
    scope="login-ip",
)
_login_per_account = limiter.limit(
    _config_limit("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
    key_func=_account_ip_key,
    methods=["POST"],
    deduct_when=_attempt_failed,
    scope="login-account",
)
# Link requests send email: every request counts, per address (no mail bombing) and per IP.
_links_per_ip = limiter.limit(
    _config_limit("LINK_LIMIT_PER_IP", "20 per hour"),
    key_func=_ip_key,
    methods=["POST"],
    scope="links-ip",
)
_links_per_account = limiter.limit(
    _config_limit("LINK_LIMIT_PER_ACCOUNT", "3 per 15 minutes"),
    key_func=_email_key,
    methods=["POST"],
    scope="links-account",
)


def _pending_key() -> str:
    """Second-factor attempts count per person being signed in *and* IP (as passwords do),
    and per person across every IP (``_two_factor_per_person``)."""
    data = session.get(PENDING_KEY)
    uid = data.get("uid") if isinstance(data, dict) else None
    return f"tfa:{uid}"


_two_factor_per_account = limiter.limit(
    _config_limit("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
    key_func=lambda: f"{_pending_key()}|{_ip_key()}",
    methods=["POST"],
    deduct_when=_attempt_failed,
    scope="two-factor-account",
)
_two_factor_per_person = limiter.limit(
    _config_limit("TWO_FACTOR_LIMIT_PER_PERSON", "20 per hour"),
    key_func=_pending_key,
    methods=["POST"],
    deduct_when=_attempt_failed,
    scope="two-factor-person",
)
_signup_per_ip = limiter.limit(
    _config_limit("SIGNUP_LIMIT_PER_IP", "20 per hour"),
    key_func=_ip_key,
    methods=["POST"],
    scope="signup-ip",
)


def _too_many_message() -> str:
    return _("Too many attempts. Please wait a few minutes and try again.")


@bp.errorhandler(429)
def _too_many_requests(_err: Exception) -> tuple[str, int]:
    """Show the form the person was using, with the reason, instead of a bare error page."""
    message = _too_many_message()
    if request.endpoint == "auth.forgot_password":
        return render_template("auth/forgot.html", form=ForgotPasswordForm(), error=message), 429
    if request.endpoint == "auth.signup":
        return render_template("auth/signup.html", form=SignupForm(), error=message), 429
    if request.endpoint == "auth.two_factor":
        return render_template("auth/two_factor.html", form=TwoFactorForm(), error=message), 429
    return _render_login(error=message, status=429)


# --- helpers -----------------------------------------------------------------------------


def safe_next(value: str | None) -> str | None:
    """A same-site relative path to go to after signing in, or None."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(ch in value for ch in "\\\r\n\t"):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def _apply_errors(form: FlaskForm, exc: ServiceError) -> str | None:
    """Put a service's per-field messages next to the fields; return what is left over."""
    leftover = None
    for name, message in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [message]
        else:
            leftover = message
    if not exc.fields:
        leftover = exc.message
    return leftover


def _render_login(
    form: LoginForm | None = None,
    link_form: MagicLinkRequestForm | None = None,
    *,
    error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    form = form or LoginForm()
    if form.next.data is None:
        form.next.data = safe_next(request.values.get("next")) or ""
    link_form = link_form or MagicLinkRequestForm(formdata=None)
    return render_template("auth/login.html", form=form, link_form=link_form, error=error), status


def _next_path() -> str | None:
    """The checked ``next`` of this request (query string or form), or None."""
    return safe_next(request.values.get("next"))


def _after_sign_in() -> str:
    return _next_path() or url_for("dashboard.home")


# --- sign up, in and out ------------------------------------------------------------------


@bp.route("/signup", methods=["GET", "POST"])
@_signup_per_ip
def signup() -> ResponseReturnValue:
    form = SignupForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            result = accounts.signup(
                agency_name=form.agency_name.data or "",
                name=form.name.data or "",
                email=form.email.data or "",
                password=form.password.data or "",
                locale=str(get_locale()),
            )
        except ServiceError as exc:
            error = _apply_errors(form, exc)
            status = 422
        else:
            accounts.send_welcome_email(result)
            start_session(result.user, result.agency.id)
            flash(
                _(
                    "Welcome to Tandem, %(name)s. Start by adding your first client brand.",
                    name=result.user.name,
                ),
                "success",
            )
            return redirect(url_for("dashboard.home"))
    return render_template("auth/signup.html", form=form, error=error), status


@bp.route("/login", methods=["GET", "POST"])
@_login_per_ip
@_login_per_account
def login() -> ResponseReturnValue:
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(_after_sign_in())
        return _render_login(form)
    if not form.validate_on_submit():
        return _render_login(form, status=422)
    try:
        membership = accounts.sign_in_with_password(form.email.data or "", form.password.data or "")
    except accounts.InvalidCredentials as exc:
        return _render_login(form, error=exc.message, status=401)
    except ServiceError as exc:
        return _render_login(form, error=exc.message, status=exc.status)
    challenge = begin_sign_in(
        membership.user,
        membership.agency_id,
        remember=bool(form.remember.data),
        method="password",
        next_path=_next_path(),
    )
    return challenge or redirect(_after_sign_in())


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    membership = g.get("membership")
    if current_user.is_authenticated and membership is not None:
        # Ends this session on the server: a copied cookie or remember-me cookie is dead.
        accounts.record_logout(current_user._get_current_object(), membership)
    session.clear()
    logout_user()  # after clear(): it leaves the note that deletes the remember-me cookie
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


# --- password reset ----------------------------------------------------------------------


def _submitted_email(form: FlaskForm) -> str | None:
    """The address asked for, in look-up form; None (with an error on the field) if blank.

    Deliberately lenient: any address an account may have is looked up, and the answer
    is the same whether or not it exists.
    """
    email = accounts.lookup_email(form.email.data or "")  # type: ignore[attr-defined]
    if "@" not in email or len(email) > 254:
        form.email.errors = [_("Enter a valid email address.")]  # type: ignore[attr-defined]
        return None
    return email


def _link_invalid(kind: str, exc: Gone) -> tuple[str, int]:
    return (
        render_template(
            "auth/link_invalid.html",
            kind=kind,
            message=exc.message,
            next_path=_next_path() or "",
        ),
        410,
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
@_links_per_ip
@_links_per_account
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    next_path = _next_path() or ""
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form, next_path=next_path)
    email = _submitted_email(form)
    if email is None:
        return render_template("auth/forgot.html", form=form, next_path=next_path), 422
    # The emailed link carries ``next``, so the new password leads where the person was going.
    accounts.request_password_reset(email, next_path or None)
    return render_template("auth/link_sent.html", kind="reset", email=email, next_path=next_path)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    try:
        user = accounts.check_password_reset(token)
    except Gone as exc:
        return _link_invalid("reset", exc)
    form = ResetPasswordForm()
    error = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                membership = accounts.reset_password(token, form.password.data or "")
            except Gone as exc:
                return _link_invalid("reset", exc)
            except ServiceError as exc:
                error = _apply_errors(form, exc)
            else:
                challenge = begin_sign_in(
                    membership.user,
                    membership.agency_id,
                    method="password_reset",
                    next_path=_next_path(),
                )
                if challenge is not None:
                    flash(
                        _("Your password has been changed. Enter your code to sign in."), "success"
                    )
                    return challenge
                flash(_("Your password has been changed. You are signed in."), "success")
                return redirect(_after_sign_in())
    return (
        render_template(
            "auth/reset.html", form=form, user=user, error=error, next_path=_next_path() or ""
        ),
        status,
    )


# --- magic links for client users --------------------------------------------------------


@bp.route("/login/link", methods=["POST"])
@_links_per_ip
@_links_per_account
def request_login_link() -> ResponseReturnValue:
    link_form = MagicLinkRequestForm()
    if not link_form.validate_on_submit():
        return _render_login(link_form=link_form, status=422)
    email = _submitted_email(link_form)
    if email is None:
        return _render_login(link_form=link_form, status=422)
    next_path = safe_next(request.form.get("next"))
    accounts.request_magic_link(email, next_path)
    return render_template("auth/link_sent.html", kind="link", email=email, next_path=next_path)


@bp.route("/login/link/<token>", methods=["GET", "POST"])
def magic_link(token: str) -> ResponseReturnValue:
    """GET only shows a button, so mail scanners that follow links do not use them up."""
    try:
        user = accounts.check_magic_link(token)
    except Gone as exc:
        return _link_invalid("link", exc)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            membership = accounts.sign_in_with_magic_link(token)
        except Gone as exc:
            return _link_invalid("link", exc)
        except ServiceError as exc:
            return _render_login(error=exc.message, status=exc.status)
        challenge = begin_sign_in(
            membership.user, membership.agency_id, method="magic_link", next_path=_next_path()
        )
        return challenge or redirect(_after_sign_in())
    return render_template(
        "auth/magic_confirm.html", form=form, user=user, next_path=_next_path() or ""
    )


# --- the second factor ------------------------------------------------------------------


@bp.route("/login/two-factor", methods=["GET", "POST"], endpoint="two_factor")
@_login_per_ip
@_two_factor_per_account
@_two_factor_per_person
def two_factor_challenge() -> ResponseReturnValue:
    """The second step of signing in.  Nobody is signed in until the code is right."""
    data = pending()
    user = two_factor.pending_user(int(data["uid"]), str(data["ver"])) if data else None
    if data is None or user is None:
        session.pop(PENDING_KEY, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    form = TwoFactorForm()
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template("auth/two_factor.html", form=form, error=None), status
    try:
        membership = two_factor.complete_sign_in(
            user, int(data["agency"]), form.code.data or "", str(data.get("method") or "")
        )
    except two_factor.InvalidCode as exc:
        form.code.data = ""
        return render_template("auth/two_factor.html", form=form, error=exc.message), 401
    except ServiceError as exc:
        session.pop(PENDING_KEY, None)
        return _render_login(error=exc.message, status=exc.status)
    start_session(user, membership.agency_id, remember=bool(data.get("remember")))
    return redirect(safe_next(data.get("next")) or url_for("dashboard.home"))


# The endpoints a person who must set up two-factor sign-in may still reach.
SETUP_ALLOWED = frozenset(
    {
        "static",
        "settings.two_factor",
        "settings.two_factor_start",
        "settings.two_factor_confirm",
    }
)


@bp.before_app_request
def _two_factor_setup_first() -> ResponseReturnValue | None:
    """While the agency requires two-factor sign-in and the person has none, every page
    leads to setting it up (API tokens, checked in the API's own way, keep working).

    Decided afresh on every request of a signed-in person, not only at sign-in: when an
    owner turns the requirement on, the members already signed in are sent to the set-up
    on their next request (and freed when it is turned off).  The membership is the one
    the tenant-scope hook uses next (``web_context.resolve_membership`` keeps it for the
    request), so this costs no query of its own."""
    # The sign-in pages stay open, so a session that ended meanwhile can sign in again
    # (which starts a new session and decides afresh).
    if request.blueprint in {"api", "bench_api", "auth", "health"}:
        return None
    if request.endpoint in SETUP_ALLOWED:
        return None
    if current_user.is_authenticated:
        user = current_user._get_current_object()  # type: ignore[attr-defined]
        due = False
        if not two_factor.is_enabled(user):
            membership = web_context.resolve_membership(user, session.get("agency_id"))
            if membership is not None:
                with tenant_scope(membership.agency_id):
                    due = two_factor.setup_required(user, membership)
        if not due:
            session.pop(SETUP_KEY, None)
            return None
        session[SETUP_KEY] = True
    elif not session.get(SETUP_KEY):
        return None
    return redirect(url_for("settings.two_factor"))


# --- change of email ---------------------------------------------------------------------


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> ResponseReturnValue:
    """GET shows a button (mail scanners follow links); POST makes the change."""
    try:
        user = account_service.check_email_change(token)
    except Gone as exc:
        return _link_invalid("email", exc)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            account_service.confirm_email_change(token)
        except Gone as exc:
            return _link_invalid("email", exc)
        except ServiceError as exc:
            return render_template(
                "auth/email_confirm.html", form=form, user=user, error=exc.message
            ), exc.status
        flash(_("Your email address is now %(email)s.", email=user.email), "success")
        if current_user.is_authenticated:
            return redirect(url_for("settings.profile"))
        return redirect(url_for("auth.login"))
    return render_template("auth/email_confirm.html", form=form, user=user, error=None)


# --- language ----------------------------------------------------------------------------


@bp.route("/language/<lang>")
def set_language(lang: str) -> ResponseReturnValue:
    if lang not in LANGUAGES:
        abort(404)
    if current_user.is_authenticated:
        accounts.set_locale(current_user._get_current_object(), lang)
    default = url_for("dashboard.home") if current_user.is_authenticated else url_for("auth.login")
    response = redirect(safe_next(request.args.get("next")) or default)
    response.set_cookie(
        "lang",
        lang,
        max_age=LANG_COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response
