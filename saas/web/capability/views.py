"""Team capability pages: the skills matrix of a brand's team, adding a team member, one
member's ratings with their history and the assess form, one skill's history across the
team, and the agency's skills catalogue under settings.

Thin, like every brand page: the permission decorator, a scoped load (another agency's or
brand's id is simply not found), one service call, render.  A refusal re-renders the form
with the service's messages next to the fields and every input kept (422, nothing saved).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from sqlalchemy import select

from saas.extensions import db
from saas.http import get_or_404
from saas.i18n import gettext as _
from saas.i18n import use_brand
from saas.models import Brand, User
from saas.models.capability import Skill, TeamMember
from saas.services.capability import assessments as assessments_service
from saas.services.capability import matrix as matrix_service
from saas.services.capability import skills as skills_service
from saas.services.capability import team as team_service
from saas.services.errors import Forbidden, ServiceError
from saas.web.capability import bp
from saas.web.capability.forms import (
    SOURCE_LABELS,
    AssessForm,
    MemberForm,
    SkillEditForm,
    SkillForm,
)
from saas.web.common import allowed, require
from saas.web.forms import show_errors

# --- loading --------------------------------------------------------------------------------


def _lang() -> str:
    return str(get_locale() or "en")


def _brand(brand_id: int) -> Brand:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    return brand


def _member(brand: Brand, member_id: int) -> TeamMember:
    """The brand's team member, or 404 (another brand's member is not found here either)."""
    member = get_or_404(TeamMember, member_id)
    if member.brand_id != brand.id:
        abort(404)
    return member


def skill_name(skill: Skill | None, key: str | None = None) -> str:
    if skill is None:
        return key or ""
    return skills_service.display_name(skill, _lang())


def _names_by_key() -> dict[str, str]:
    return {s.key: skill_name(s) for s in skills_service.all_skills()}


def _levels() -> list[tuple[int, Any]]:
    return list(assessments_service.LEVELS.items())


def _history(brand: Brand, member: TeamMember) -> list[dict[str, Any]]:
    """Per skill (catalogue order, then any other key): the ratings oldest first, and the
    latest of each source."""
    by_skill = assessments_service.history_by_skill(brand.id, member.id)
    order = {s.key: i for i, s in enumerate(skills_service.all_skills())}
    names = _names_by_key()
    people = _people({r.assessed_by_id for rows in by_skill.values() for r in rows})
    out = []
    for key in sorted(by_skill, key=lambda k: (order.get(k, 10_000), k)):
        rows = by_skill[key]
        out.append(
            {
                "key": key,
                "name": names.get(key, key),
                "rows": rows,
                "latest_self": next((r for r in reversed(rows) if r.source == "self"), None),
                "latest_consultant": next(
                    (r for r in reversed(rows) if r.source == "consultant"), None
                ),
                "people": people,
            }
        )
    return out


def _people(user_ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return {
        u.id: (u.name or u.email) for u in db.session.scalars(select(User).where(User.id.in_(ids)))
    }


def _context(brand: Brand, **extra: Any) -> dict[str, Any]:
    return {
        "brand": brand,
        "levels": _levels(),
        "SOURCE_LABELS": SOURCE_LABELS,
        "can_add_members": team_service.can_add(g.membership),
        "own_member": team_service.linked_member(brand.id, g.membership.user_id),
        **extra,
    }


# --- the team: skills matrix -------------------------------------------------------------------


def _render_team(brand: Brand, form: MemberForm | None = None, status: int = 200) -> Any:
    matrix = matrix_service.skills_matrix(brand.id)
    if form is None:
        form = MemberForm()
    form.set_candidates(team_service.candidates(brand))
    thin = set(matrix.thin)
    rows = [
        {
            "skill": s,
            "name": skill_name(s),
            "strongest": matrix.strongest.get(s.key),
            "thin": s.key in thin,
            "cells": [matrix.cell(m.id, s.key) for m in matrix.members],
        }
        for s in matrix.skills
    ]
    return render_template(
        "capability/team.html",
        **_context(
            brand,
            matrix=matrix,
            rows=rows,
            thin_names=[r["name"] for r in rows if r["thin"]],
            member_form=form,
        ),
    ), status


@bp.get("/brands/<int:brand_id>/team")
@require("capability.view")
def team(brand_id: int) -> ResponseReturnValue:
    return _render_team(_brand(brand_id))


@bp.post("/brands/<int:brand_id>/team")
@require("capability.assess")
def add_member(brand_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    if not team_service.can_add(g.membership):
        abort(403)
    form = MemberForm()
    form.set_candidates(team_service.candidates(brand))
    if not form.validate_on_submit():
        return _render_team(brand, form, 422)
    try:
        member = team_service.add(g.membership, brand, form.body())
    except Forbidden:
        abort(403)
    except ServiceError as err:
        show_errors(form, err)
        return _render_team(brand, form, 422)
    flash(_("%(name)s was added to the team.", name=member.name), "success")
    return redirect(url_for("capability.member", brand_id=brand.id, member_id=member.id), code=303)


# --- one member ---------------------------------------------------------------------------------


def _render_member(
    brand: Brand, member: TeamMember, form: AssessForm | None = None, status: int = 200
) -> Any:
    actor = g.membership
    source = assessments_service.source_for(actor)
    may_assess = source is not None and assessments_service.may_assess(actor, member)
    if form is None:
        form = AssessForm()
    form.set_skills(skills_service.active_skills(), skill_name)
    return render_template(
        "capability/member.html",
        **_context(
            brand,
            member=member,
            history=_history(brand, member),
            skills_by_key={s.key: s for s in skills_service.all_skills()},
            assess_form=form if may_assess else None,
            source=source,
        ),
    ), status


@bp.get("/brands/<int:brand_id>/team/<int:member_id>")
@require("capability.view")
def member(brand_id: int, member_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    return _render_member(brand, _member(brand, member_id))


@bp.post("/brands/<int:brand_id>/team/<int:member_id>/assessments")
@require("capability.assess")
def assess(brand_id: int, member_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    person = _member(brand, member_id)
    if not assessments_service.may_assess(g.membership, person):
        abort(403)
    form = AssessForm()
    form.set_skills(skills_service.active_skills(), skill_name)
    if not form.validate_on_submit():
        return _render_member(brand, person, form, 422)
    try:
        row = assessments_service.add(g.membership, brand, form.body(person.id))
    except Forbidden:
        abort(403)
    except ServiceError as err:
        show_errors(form, err)
        return _render_member(brand, person, form, 422)
    flash(
        _(
            "Rating recorded: %(skill)s, %(rating)s.",
            skill=skill_name(skills_service.by_key(row.skill_key), row.skill_key),
            rating=row.rating,
        ),
        "success",
    )
    return redirect(url_for("capability.member", brand_id=brand.id, member_id=person.id), code=303)


# --- one skill ------------------------------------------------------------------------------------


@bp.get("/brands/<int:brand_id>/skills/<int:skill_id>")
@require("capability.view")
def skill(brand_id: int, skill_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    row = get_or_404(Skill, skill_id)
    members = matrix_service.active_members(brand.id)
    by_member: dict[int, list[Any]] = {}
    rows = list(db.session.scalars(assessments_service.history(brand.id, skill_key=row.key)))
    for a in reversed(rows):
        by_member.setdefault(a.member_id, []).append(a)
    cells = matrix_service.latest_cells(brand.id, [m.id for m in members])
    people = [
        {"member": m, "rows": by_member.get(m.id, []), "cell": cells.get((m.id, row.key))}
        for m in members
    ]
    strongest = matrix_service.strongest({k: v for k, v in cells.items() if k[1] == row.key}).get(
        row.key
    )
    return render_template(
        "capability/skill.html",
        **_context(
            brand,
            skill=row,
            name=skill_name(row),
            people=people,
            strongest=strongest,
            thin=strongest is None or strongest < matrix_service.THIN_BELOW,
            names=_people({a.assessed_by_id for a in rows}),
        ),
    )


# --- the agency's skills catalogue --------------------------------------------------------------


def _render_skills(
    form: SkillForm | None = None,
    edit_forms: dict[int, SkillEditForm] | None = None,
    status: int = 200,
) -> Any:
    skills = skills_service.all_skills()
    edit_forms = edit_forms or {}
    forms = {}
    for s in skills:
        f = edit_forms.get(s.id)
        if f is None:
            f = SkillEditForm(prefix=f"skill-{s.id}", formdata=None)
            f.name_en.data, f.name_ar.data = s.name_en, s.name_ar
        forms[s.id] = f
    return render_template(
        "capability/skills.html",
        skills=skills,
        edit_forms=forms,
        form=form or SkillForm(),
        can_manage=allowed("skill.manage"),
        open_id=next(iter(edit_forms), None),
    ), status


@bp.route("/settings/skills", methods=["GET", "POST"])
@require("capability.view")
def skills() -> ResponseReturnValue:
    if request.method == "POST" and not allowed("skill.manage"):
        abort(403)
    form = SkillForm()
    if not form.is_submitted():
        return _render_skills()
    if not form.validate():
        return _render_skills(form, status=422)
    try:
        added = skills_service.add(g.membership, form.body())
    except Forbidden:
        abort(403)
    except ServiceError as err:
        show_errors(form, err)
        return _render_skills(form, status=422)
    flash(_("%(name)s was added to the catalogue.", name=skill_name(added)), "success")
    return redirect(url_for("capability.skills"), code=303)


@bp.post("/settings/skills/<int:skill_id>")
@require("skill.manage")
def skill_edit(skill_id: int) -> ResponseReturnValue:
    row = get_or_404(Skill, skill_id)
    form = SkillEditForm(prefix=f"skill-{row.id}")
    if not form.validate_on_submit():
        return _render_skills(edit_forms={row.id: form}, status=422)
    action = form.action.data
    try:
        skills_service.update(g.membership, row, form.body())
    except Forbidden:
        abort(403)
    except ServiceError as err:
        show_errors(form, err)
        return _render_skills(edit_forms={row.id: form}, status=422)
    if action == "retire":
        flash(
            _("%(name)s was retired; its ratings stay in the history.", name=skill_name(row)),
            "success",
        )
    elif action == "restore":
        flash(_("%(name)s is back in the catalogue.", name=skill_name(row)), "success")
    else:
        flash(_("Changes saved."), "success")
    return redirect(url_for("capability.skills") + f"#skill-{row.id}", code=303)
