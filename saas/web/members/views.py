"""Members, roles and invitations: the members page, role changes, removal, and accepting."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from saas.i18n import gettext as _
from saas.models import Invitation, Membership
from saas.permissions import can, invitable_roles
from saas.services import invitations as invitation_service
from saas.services import members as member_service
from saas.services.errors import Forbidden, Gone, NotFound, ServiceError
from saas.web.common import get_or_404, page_args, paginate, require
from saas.web.members.forms import (
    ConfirmForm,
    InviteForm,
    JoinForm,
    MemberForm,
    NewAccountForm,
)
from tenants.models import Role

bp = Blueprint("members", __name__, url_prefix="/members")


def _role_choices(roles: list[Role]) -> list[tuple[str, str]]:
    from flask import current_app

    label = current_app.jinja_env.globals["role_label"]
    return [(r.value, label(r.value)) for r in roles]


def _brand_choices() -> list[tuple[int, str]]:
    return [(b.id, b.name) for b in member_service.brands_in_scope()]


def _invite_form() -> InviteForm:
    form = InviteForm()
    form.role.choices = _role_choices(invitable_roles(g.membership.role))
    form.brand_ids.choices = _brand_choices()
    return form


def _apply_errors(form: Any, exc: ServiceError) -> None:
    placed = False
    for name, message in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
            placed = True
    if not placed:
        flash(exc.message, "error")


def _render_index(form: InviteForm, new_link: str | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    page, per_page = page_args()
    members = paginate(member_service.members_query(), page, per_page)
    pending = paginate(invitation_service.pending_query(), 1, 100)
    brand_names = {b.id: b.name for b in member_service.brands_in_scope()}
    g.no_store = new_link is not None
    return (
        render_template(
            "members/index.html",
            members=members,
            pending=pending.items,
            form=form,
            new_link=new_link,
            brand_names=brand_names,
            invitable=[r.value for r in invitable_roles(g.membership.role)],
        ),
        status,
    )


@bp.route("/")
@require("member.view")
def index():  # type: ignore[no-untyped-def]
    return _render_index(_invite_form())


@bp.route("/invite", methods=["POST"])
@require("member.view")
def invite():  # type: ignore[no-untyped-def]
    if not invitable_roles(g.membership.role):
        abort(403)
    form = _invite_form()
    if not form.validate_on_submit():
        return _render_index(form, status=422)
    try:
        invitation, raw = invitation_service.invite(
            g.membership,
            form.email.data,
            form.role.data,
            form.brand_ids.data or [],
            all_brands=form.all_brands.data,
        )
    except Forbidden:
        abort(403)
    except ServiceError as exc:
        _apply_errors(form, exc)
        return _render_index(form, status=exc.status)
    flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
    return _render_index(_invite_form(), new_link=invitation_service.accept_url(raw), status=201)


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@require("member.view")
def resend(invitation_id: int):  # type: ignore[no-untyped-def]
    invitation = get_or_404(Invitation, invitation_id)
    try:
        raw = invitation_service.resend(g.membership, invitation)
    except Forbidden:
        abort(403)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".index"))
    flash(_("A new invitation was sent to %(email)s.", email=invitation.email), "success")
    return _render_index(_invite_form(), new_link=invitation_service.accept_url(raw))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"])
@require("member.view")
def revoke(invitation_id: int):  # type: ignore[no-untyped-def]
    invitation = get_or_404(Invitation, invitation_id)
    if Role(invitation.role) not in invitable_roles(g.membership.role):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            invitation_service.revoke(g.membership, invitation)
        except ServiceError as exc:
            flash(exc.message, "error")
            return redirect(url_for(".index"))
        flash(_("The invitation to %(email)s was revoked.", email=invitation.email), "success")
        return redirect(url_for(".index"))
    return render_template("members/confirm_revoke.html", invitation=invitation, form=form)


@bp.route("/<int:membership_id>/edit", methods=["GET", "POST"])
@require("member.change_role")
def edit(membership_id: int):  # type: ignore[no-untyped-def]
    member = get_or_404(Membership, membership_id)
    form = MemberForm(
        obj=None
        if request.method == "POST"
        else _Defaults(
            member.role, [link.brand_id for link in member.brand_links], member.all_brands
        )
    )
    form.role.choices = _role_choices(list(Role))
    form.brand_ids.choices = _brand_choices()
    status = 200
    if form.validate_on_submit():
        try:
            member_service.change_role(
                g.membership,
                member,
                form.role.data,
                form.brand_ids.data or [],
                all_brands=form.all_brands.data,
            )
        except ServiceError as exc:
            _apply_errors(form, exc)
            status = exc.status
        else:
            flash(_("%(name)s's role and brands were updated.", name=member.user.name), "success")
            return redirect(url_for(".index"))
    elif request.method == "POST":
        status = 422
    return render_template("members/edit.html", member=member, form=form), status


class _Defaults:
    def __init__(self, role: str, brand_ids: list[int], all_brands: bool):
        self.role, self.brand_ids, self.all_brands = role, brand_ids, all_brands


@bp.route("/<int:membership_id>/remove", methods=["GET", "POST"])
@require("member.remove")
def remove(membership_id: int):  # type: ignore[no-untyped-def]
    member = get_or_404(Membership, membership_id)
    form = ConfirmForm()
    error = None
    status = 200
    if form.validate_on_submit():
        name = member.user.name
        try:
            member_service.remove(g.membership, member)
        except ServiceError as exc:
            error, status = exc.message, exc.status
        else:
            flash(_("%(name)s was removed from the agency.", name=name), "success")
            return redirect(url_for(".index"))
    return (
        render_template("members/confirm_remove.html", member=member, form=form, error=error),
        status,
    )


# --- accepting an invitation ----------------------------------------------------------

invitations_bp = Blueprint("invitations", __name__, url_prefix="/invitations")


def _sign_in(membership: Membership):  # type: ignore[no-untyped-def]
    session.clear()
    login_user(membership.user)
    session["agency_id"] = membership.agency_id
    if Role(membership.role).is_client:
        brand_id = invitation_service.first_brand_id(membership)
        if brand_id is not None:
            return redirect(url_for("brands.show", brand_id=brand_id))
    return redirect(url_for("dashboard.home"))


@invitations_bp.route("/<token>", methods=["GET", "POST"])
def accept(token: str):  # type: ignore[no-untyped-def]
    g.no_store = True
    try:
        offer = invitation_service.offer(token)
    except NotFound:
        abort(404)
    except Gone as exc:
        return render_template("invitations/gone.html", message=exc.message, reason=exc.code), 410

    user = offer.existing_user
    signed_in_as_invitee = (
        current_user.is_authenticated and user is not None and current_user.id == user.id
    )
    new_form = NewAccountForm() if user is None else None
    join_form = JoinForm() if signed_in_as_invitee else None
    status = 200

    try:
        if new_form is not None and new_form.validate_on_submit():
            membership = invitation_service.accept_as_new_user(
                token, new_form.name.data, new_form.password.data
            )
            return _sign_in(membership)
        if join_form is not None and join_form.validate_on_submit():
            membership = invitation_service.accept_as_user(
                token, current_user._get_current_object()
            )
            return _sign_in(membership)
        if request.method == "POST":
            status = 422 if new_form is not None else 400
    except Gone as exc:
        return render_template("invitations/gone.html", message=exc.message, reason=exc.code), 410
    except ServiceError as exc:
        status = exc.status
        if new_form is not None:
            _apply_errors(new_form, exc)
        else:
            flash(exc.message, "error")

    return (
        render_template(
            "invitations/accept.html",
            offer=offer,
            invitation=offer.invitation,
            new_form=new_form,
            join_form=join_form,
            signed_in_as_other=current_user.is_authenticated and not signed_in_as_invitee,
            login_url=url_for("auth.login", next=request.path),
            can=can,
        ),
        status,
    )
