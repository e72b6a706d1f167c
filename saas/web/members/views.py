"""Members, roles and invitations: the members page, role changes, removal, and accepting."""

from __future__ import annotations

import unicodedata

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from saas.http import get_or_404, page_args, paginate
from saas.i18n import LANGUAGES, text_direction
from saas.i18n import gettext as _
from saas.models import Invitation, Membership
from saas.permissions import can, invitable_roles
from saas.services import invitations as invitation_service
from saas.services import members as member_service
from saas.services.errors import Forbidden, Gone, NotFound, ServiceError
from saas.web.auth.signin import start_session
from saas.web.auth.views import safe_next
from saas.web.common import require
from saas.web.forms import show_errors
from saas.web.members.forms import (
    CONFIRM_OWNER,
    ConfirmForm,
    InviteForm,
    JoinForm,
    MemberForm,
    NewAccountForm,
)
from tenants.models import Role

bp = Blueprint("members", __name__, url_prefix="/members")


def isolate(text: str) -> str:
    """User text inside a translated sentence keeps its own direction (Unicode's first-strong
    isolate): an address in an Arabic flash message reads left to right, its full stop after
    it.  Flash messages are plain text, so ``<bdi>`` cannot do it there.  Needed only when
    the directions mix: in a left-to-right page, only for right-to-left text."""
    mixed = text_direction() == "rtl" or any(
        unicodedata.bidirectional(ch) in ("R", "AL") for ch in text
    )
    return f"\u2068{text}\u2069" if mixed else text


def _role_choices(roles: list[Role]) -> list[tuple[str, str]]:
    from flask import current_app

    label = current_app.jinja_env.globals["role_label"]
    return [(r.value, label(r.value)) for r in roles]


def _brand_choices() -> list[tuple[int, str]]:
    return [(b.id, b.name) for b in member_service.brands_in_scope()]


def _origin_brand_id(choices: list[tuple[int, str]]) -> int | None:
    """The brand an invitation starts from (``?brand_id=`` from its "Invite the client's
    people" link), when it is one the inviter may assign; else None."""
    raw = (request.args.get("brand_id") or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    brand_id = int(raw)
    return brand_id if any(bid == brand_id for bid, _name in choices) else None


def default_role(inviter_role: str | Role, from_brand: bool) -> Role | None:
    """The least privilege for where the invitation starts: from a brand, the client's
    team; from the members page, a consultant when an owner invites, else the client's
    team.  Never an owner: that is always a deliberate, confirmed choice."""
    roles = invitable_roles(inviter_role)
    for wanted in [Role.CLIENT_TEAM] if from_brand else [Role.CONSULTANT, Role.CLIENT_TEAM]:
        if wanted in roles:
            return wanted
    return next((r for r in roles if r != Role.OWNER), None)


def _invite_form() -> InviteForm:
    brands = _brand_choices()
    origin = _origin_brand_id(brands)
    role = default_role(g.membership.role, origin is not None)
    form = InviteForm(
        role=role.value if role else None,
        brand_ids=[origin] if origin is not None else [],
    )
    # The defaults also apply when the form is reset after an invitation went out.
    form.role.default = role.value if role else None
    form.brand_ids.default = [origin] if origin is not None else []
    form.role.choices = _role_choices(invitable_roles(g.membership.role))
    form.brand_ids.choices = brands
    form.origin_brand_id = origin  # type: ignore[attr-defined]
    return form


def _render_index(
    form: InviteForm,
    new_link: str | None = None,
    status: int = 200,
    *,
    confirm_owner: bool = False,
) -> tuple[str, int]:
    page, per_page = page_args()
    members = paginate(member_service.members_query(), page, per_page)
    pending = paginate(invitation_service.pending_query(), 1, 100)
    brand_names = {b.id: b.name for b in member_service.brands_in_scope()}
    g.no_store = new_link is not None
    # The regular form never carries a confirmation: the confirmation step renders its own.
    form.confirm_owner.data = ""
    return (
        render_template(
            "members/index.html",
            members=members,
            pending=pending.items,
            form=form,
            new_link=new_link,
            brand_names=brand_names,
            invitable=[r.value for r in invitable_roles(g.membership.role)],
            origin_brand_id=getattr(form, "origin_brand_id", None),
            confirm_owner=confirm_owner,
        ),
        status,
    )


@bp.route("/")
@require("member.view")
def index() -> ResponseReturnValue:
    return _render_index(_invite_form())


@bp.route("/invite", methods=["POST"])
@require("member.view")
def invite() -> ResponseReturnValue:
    if not invitable_roles(g.membership.role):
        abort(403)
    form = _invite_form()
    if not form.validate_on_submit():
        return _render_index(form, status=422)
    if form.role.data == Role.OWNER.value and form.confirm_owner.data != CONFIRM_OWNER:
        # An owner can do everything, billing and removing people included: never by a
        # slip of the role menu.  Nothing is sent until the inviter confirms.
        return _render_index(form, confirm_owner=True)
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
        show_errors(form, exc)
        return _render_index(form, status=exc.status)
    flash(_("Invitation sent to %(email)s.", email=isolate(invitation.email)), "success")
    return _render_index(form, new_link=invitation_service.accept_url(raw), status=201)


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@require("member.view")
def resend(invitation_id: int) -> ResponseReturnValue:
    invitation = get_or_404(Invitation, invitation_id)
    try:
        raw = invitation_service.resend(g.membership, invitation)
    except Forbidden:
        abort(403)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".index"))
    flash(_("A new invitation was sent to %(email)s.", email=isolate(invitation.email)), "success")
    return _render_index(_invite_form(), new_link=invitation_service.accept_url(raw))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"])
@require("member.view")
def revoke(invitation_id: int) -> ResponseReturnValue:
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
        flash(
            _("The invitation to %(email)s was revoked.", email=isolate(invitation.email)),
            "success",
        )
        return redirect(url_for(".index"))
    return render_template("members/confirm_revoke.html", invitation=invitation, form=form)


@bp.route("/<int:membership_id>/edit", methods=["GET", "POST"])
@require("member.change_role")
def edit(membership_id: int) -> ResponseReturnValue:
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
    promoting = form.role.data == Role.OWNER.value and member.role != Role.OWNER.value
    if (
        request.method == "POST"
        and promoting
        and form.confirm_owner.data != CONFIRM_OWNER
        and form.validate()
    ):
        # As with invitations: nobody becomes an owner by a slip of the role menu.
        form.confirm_owner.data = ""
        return render_template("members/edit.html", member=member, form=form, confirm_owner=True)
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
            show_errors(form, exc)
            status = exc.status
        else:
            flash(
                _("%(name)s's role and brands were updated.", name=isolate(member.user.name)),
                "success",
            )
            return redirect(url_for(".index"))
    elif request.method == "POST":
        status = 422
    return render_template("members/edit.html", member=member, form=form), status


class _Defaults:
    def __init__(self, role: str, brand_ids: list[int], all_brands: bool):
        self.role, self.brand_ids, self.all_brands = role, brand_ids, all_brands


@bp.route("/<int:membership_id>/remove", methods=["GET", "POST"])
@require("member.remove")
def remove(membership_id: int) -> ResponseReturnValue:
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
            flash(_("%(name)s was removed from the agency.", name=isolate(name)), "success")
            return redirect(url_for(".index"))
    return (
        render_template("members/confirm_remove.html", member=member, form=form, error=error),
        status,
    )


# --- accepting an invitation ----------------------------------------------------------

invitations_bp = Blueprint("invitations", __name__, url_prefix="/invitations")


def _sign_in(membership: Membership, next_path: str | None = None) -> WerkzeugResponse:
    start_session(membership.user, membership.agency_id)
    if next_path:
        return redirect(next_path)
    if Role(membership.role).is_client:
        brand_id = invitation_service.first_brand_id(membership)
        if brand_id is not None:
            return redirect(url_for("brands.show", brand_id=brand_id))
    return redirect(url_for("dashboard.home"))


def _accept_locale(offer: invitation_service.Offer) -> str:
    """The accept page speaks the invitee's language: a signed-in person's own choice, else
    the language they picked on the public pages (the ``lang`` cookie), else the
    invitation's (the brand's for client roles, else the agency's default)."""
    own = getattr(current_user, "locale", None) if current_user.is_authenticated else None
    if own in LANGUAGES:
        return own
    cookie = request.cookies.get("lang")
    if cookie in LANGUAGES:
        return cookie
    return offer.locale


@invitations_bp.route("/<token>", methods=["GET", "POST"])
def accept(token: str) -> ResponseReturnValue:
    g.no_store = True
    try:
        offer = invitation_service.offer(token)
    except NotFound:
        abort(404)
    except Gone as exc:
        return render_template("invitations/gone.html", message=exc.message, reason=exc.code), 410
    with force_locale(_accept_locale(offer)):
        return _accept(token, offer)


def _accept(token: str, offer: invitation_service.Offer) -> ResponseReturnValue:
    next_path = safe_next(request.values.get("next"))
    here = url_for("invitations.accept", token=token, next=next_path)
    user = offer.existing_user
    signed_in_as_invitee = (
        current_user.is_authenticated and user is not None and current_user.id == user.id
    )
    new_form = NewAccountForm() if user is None else None
    if new_form is not None and offer.password_optional:
        new_form.password.label.text = _("Password (optional)")
    join_form = JoinForm() if signed_in_as_invitee else None
    status = 200

    try:
        if new_form is not None and new_form.validate_on_submit():
            membership = invitation_service.accept_as_new_user(
                token,
                new_form.name.data,
                new_form.password.data,
                locale=_accept_locale(offer),
            )
            return _sign_in(membership, next_path)
        if join_form is not None and join_form.validate_on_submit():
            membership = invitation_service.accept_as_user(
                token, current_user._get_current_object()
            )
            return _sign_in(membership, next_path)
        if request.method == "POST":
            status = 422 if new_form is not None else 400
    except Gone as exc:
        return render_template("invitations/gone.html", message=exc.message, reason=exc.code), 410
    except ServiceError as exc:
        status = exc.status
        if new_form is not None:
            show_errors(new_form, exc)
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
            # Back to this page after signing in, with its own (checked) ``next`` kept.
            here=here,
            login_url=url_for("auth.login", next=here),
            can=can,
        ),
        status,
    )
