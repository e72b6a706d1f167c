"""A person's own account: two-factor sign-in, change of email, leaving the agency,
deleting the account, and (owners) handing the agency to someone else and requiring
two-factor sign-in of its staff.  Thin views over ``saas.services.two_factor`` and
``saas.services.account``."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, logout_user

from saas.extensions import db, limiter
from saas.http import get_or_404
from saas.i18n import gettext as _
from saas.models import Membership, User
from saas.presentation.qr import qr_svg
from saas.services import account as account_service
from saas.services import members as members_service
from saas.services import two_factor
from saas.services.errors import ServiceError
from saas.web.auth.signin import SETUP_KEY
from saas.web.common import require
from saas.web.forms import show_errors
from saas.web.settings.forms import (
    ConfirmForm,
    DeleteAccountForm,
    EmailChangeForm,
    LeaveAgencyForm,
    RequireTwoFactorForm,
    TransferOwnershipForm,
    TwoFactorCodeForm,
    TwoFactorDisableForm,
)
from saas.web.settings.views import bp


def _isolate(text: str) -> str:
    """People's text inside a translated flash keeps its own direction (first-strong isolate)."""
    return f"\u2068{text}\u2069"


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _user_key() -> str:
    return f"tfa-settings:{getattr(current_user, 'id', 'anon')}"


# Wrong codes while setting up or turning off count like wrong sign-in codes.
_code_attempts = limiter.limit(
    lambda: "10 per 15 minutes",
    key_func=_user_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code in (401, 422),
    scope="two-factor-settings",
)


# --- two-factor sign-in -----------------------------------------------------------------------


def _render_two_factor(
    *,
    confirm_form: TwoFactorCodeForm | None = None,
    disable_form: TwoFactorDisableForm | None = None,
    codes_form: TwoFactorCodeForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    g.no_store = True  # the key while setting up: no cache may keep the page
    user = _me()
    enabled = two_factor.is_enabled(user)
    secret = None if enabled else two_factor.secret_of(user)
    setting_up = secret is not None
    uri = two_factor.provisioning_uri(user) if setting_up else None
    return render_template(
        "settings/two_factor.html",
        enabled=enabled,
        setting_up=setting_up,
        required=bool(session.get(SETUP_KEY)) or two_factor.setup_required(user, g.membership),
        uri=uri,
        # Drawn here, inline: no request leaves the page and the CSP needs nothing new.
        qr=qr_svg(uri, _("QR code to scan with your authenticator app")) if uri else None,
        secret=two_factor.grouped(secret) if secret else None,
        remaining=two_factor.remaining_recovery_codes(user) if enabled else 0,
        confirm_form=confirm_form or TwoFactorCodeForm(formdata=None),
        disable_form=disable_form or TwoFactorDisableForm(formdata=None),
        codes_form=codes_form or TwoFactorCodeForm(formdata=None, prefix="codes"),
        start_form=ConfirmForm(formdata=None),
    ), status


@bp.route("/two-factor", methods=["GET"], endpoint="two_factor")
@login_required
def two_factor_page() -> ResponseReturnValue:
    return _render_two_factor()


@bp.route("/two-factor/start", methods=["POST"], endpoint="two_factor_start")
@login_required
def two_factor_start() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        try:
            two_factor.begin_setup(_me())
        except ServiceError as exc:
            flash(exc.message, "error")
    return redirect(url_for("settings.two_factor"), code=303)


def _show_codes(codes: list[str], title: str) -> tuple[str, int]:
    g.no_store = True
    return render_template("settings/recovery_codes.html", codes=codes, title=title), 200


@bp.route("/two-factor/confirm", methods=["POST"], endpoint="two_factor_confirm")
@login_required
@_code_attempts
def two_factor_confirm() -> ResponseReturnValue:
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_setup(_me(), g.membership, form.code.data or "")
        except ServiceError as exc:
            show_errors(form, exc)
        else:
            session.pop(SETUP_KEY, None)
            flash(_("Two-factor sign-in is on."), "success")
            # Rendered, not redirected: the codes exist nowhere else.
            return _show_codes(codes, _("Two-factor sign-in is on"))
    return _render_two_factor(confirm_form=form, status=422)


@bp.route("/two-factor/recovery-codes", methods=["POST"], endpoint="two_factor_recovery_codes")
@login_required
@_code_attempts
def two_factor_recovery_codes() -> ResponseReturnValue:
    form = TwoFactorCodeForm(prefix="codes")
    if form.validate_on_submit():
        try:
            codes = two_factor.new_recovery_codes(_me(), g.membership, form.code.data or "")
        except ServiceError as exc:
            show_errors(form, exc)
        else:
            return _show_codes(codes, _("New recovery codes"))
    return _render_two_factor(codes_form=form, status=422)


@bp.route("/two-factor/disable", methods=["POST"], endpoint="two_factor_disable")
@login_required
@_code_attempts
def two_factor_disable() -> ResponseReturnValue:
    form = TwoFactorDisableForm()
    if form.validate_on_submit():
        try:
            two_factor.disable(
                _me(), g.membership, code=form.code.data or "", password=form.password.data or ""
            )
        except ServiceError as exc:
            show_errors(form, exc)
            return _render_two_factor(disable_form=form, status=exc.status)
        flash(_("Two-factor sign-in is off."), "success")
        return redirect(url_for("settings.two_factor"), code=303)
    return _render_two_factor(disable_form=form, status=422)


@bp.route("/two-factor/requirement", methods=["POST"], endpoint="two_factor_requirement")
@require("agency.settings")
def two_factor_requirement() -> ResponseReturnValue:
    form = RequireTwoFactorForm()
    if form.validate_on_submit():
        wanted = bool(form.require_two_factor.data)
        try:
            two_factor.require_for_agency(g.membership, wanted)
        except ServiceError as exc:
            flash(exc.message, "error")
            return redirect(url_for("settings.index"), code=303)
        if wanted:
            flash(
                _(
                    "Owners and consultants without two-factor sign-in will set it up "
                    "the next time they sign in."
                ),
                "success",
            )
        else:
            flash(_("Two-factor sign-in is no longer required."), "success")
    return redirect(url_for("settings.index"), code=303)


# --- change of email --------------------------------------------------------------------------


@bp.route("/email", methods=["GET", "POST"], endpoint="email_change")
@login_required
def email_change() -> ResponseReturnValue:
    form = EmailChangeForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                address = account_service.request_email_change(
                    _me(), g.membership, form.email.data or "", form.password.data or ""
                )
            except ServiceError as exc:
                show_errors(form, exc)
                status = exc.status
            else:
                flash(
                    _(
                        "We sent a link to %(email)s. Your address changes when you open it.",
                        email=_isolate(address),
                    ),
                    "success",
                )
                return redirect(url_for("settings.profile"), code=303)
    return render_template("settings/email_change.html", form=form), status


# --- leaving the agency -----------------------------------------------------------------------


@bp.route("/leave", methods=["GET", "POST"], endpoint="leave_agency")
@login_required
def leave_agency() -> ResponseReturnValue:
    form = LeaveAgencyForm()
    error, status = None, 200
    if request.method == "POST" and not form.validate_on_submit():
        status = 422
    elif form.validate_on_submit():
        agency_name = g.agency.name
        try:
            others = account_service.leave_agency(g.membership)
        except ServiceError as exc:
            error, status = exc.message, exc.status
        else:
            message = _("You left %(agency)s.", agency=_isolate(agency_name))
            if others:
                session["agency_id"] = others[0].agency_id
                if two_factor.setup_required(_me(), others[0]):
                    session[SETUP_KEY] = True
                flash(message, "success")
                return redirect(url_for("dashboard.home"), code=303)
            session.clear()
            logout_user()
            flash(message, "success")
            return redirect(url_for("auth.login"), code=303)
    return render_template("settings/leave.html", form=form, error=error), status


# --- deleting the account ---------------------------------------------------------------------


@bp.route("/delete-account", methods=["GET", "POST"], endpoint="delete_account")
@login_required
def delete_account() -> ResponseReturnValue:
    form = DeleteAccountForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                account_service.delete_account(_me(), form.confirm_email.data or "")
            except ServiceError as exc:
                show_errors(form, exc)
                status = exc.status
            else:
                session.clear()
                logout_user()
                flash(_("Your account was deleted."), "success")
                return redirect(url_for("auth.login"), code=303)
    return (
        render_template(
            "settings/delete_account.html",
            form=form,
            sole_owner_of=account_service.agencies_needing_an_owner(_me()),
        ),
        status,
    )


# --- transferring ownership -------------------------------------------------------------------


def _other_members() -> list[Membership]:
    return [
        m
        for m in db.session.scalars(members_service.members_query()).all()
        if m.id != g.membership.id
    ]


@bp.route("/transfer-ownership", methods=["GET", "POST"], endpoint="transfer_ownership")
@require("member.change_role")
def transfer_ownership() -> ResponseReturnValue:
    form = TransferOwnershipForm()
    members = _other_members()
    form.member.choices = [(m.id, f"{m.user.name} ({m.user.email})") for m in members]
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit() and form.member.data:
            target = get_or_404(Membership, int(form.member.data))
            name = target.user.name
            try:
                account_service.transfer_ownership(
                    g.membership, target, step_down=bool(form.step_down.data)
                )
            except ServiceError as exc:
                show_errors(form, exc)
                status = exc.status
            else:
                flash(_("%(name)s is now an owner of the agency.", name=_isolate(name)), "success")
                return redirect(url_for("members.index"), code=303)
    return render_template("settings/transfer.html", form=form, members=members), status
