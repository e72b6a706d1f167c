"""A leaving client: its brand removed for good, after the owner typed the brand's name.

Archiving (``saas.services.brands.archive``) keeps everything; this deletes it.  The
brand's row goes, and with it every brand-owned row (``BrandScoped`` tables carry
``brand_id`` with ``ON DELETE CASCADE``; brand methodology overrides through
``scope_brand_id``), and once the transaction commits its files: the logo and the stored
report PDFs.  Exports already made of the brand stay (they keep its id and name without a
foreign key) so the zip asked for just before can still be downloaded.  One audit entry
records who removed what.  Owners only; the brand is loaded in the caller's scope, so
another agency's brand is simply not found.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, func, select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Report
from saas.services import audit, storage
from saas.services.errors import Forbidden, ValidationFailed
from saas.services.reports.queries import file_for
from saas.transactions import on_commit, use_case
from tenants.models import Brand, Membership, Role


def typed_name_matches(typed: str | None, name: str) -> bool:
    """The confirmation: the name as shown, spaces around and repeated spaces aside."""
    return " ".join((typed or "").split()) == " ".join(name.split())


@use_case
def remove_brand(actor: Membership, brand: Brand, typed_name: str | None) -> int:
    """Delete ``brand`` and everything it owns.  Returns how many report files went."""
    if actor.role != Role.OWNER.value:
        raise Forbidden(_("Only an owner can remove a brand for good."))
    if not typed_name_matches(typed_name, brand.name):
        msg = _("Type the brand's name exactly as shown to confirm.")
        raise ValidationFailed(msg, {"confirm_name": msg})
    reports = db.session.scalars(
        select(Report).where(Report.brand_id == brand.id, Report.file_path.is_not(None))
    ).all()
    pdfs: list[Path] = [p for p in (file_for(r) for r in reports) if p is not None]
    logo = brand.logo_path
    counts = {
        "reports": int(
            db.session.scalar(select(func.count(Report.id)).where(Report.brand_id == brand.id)) or 0
        )
    }
    audit.record(
        "brand.removed",
        brand,
        label=brand.name,
        actor=actor.user,
        brand_id=brand.id,
        **counts,
    )
    db.session.flush()
    brand_id = brand.id
    db.session.expunge(brand)
    # The ORM statement runs in the caller's tenant and brand scope; the database's
    # cascades take the brand's rows with it.
    db.session.execute(
        delete(Brand).where(Brand.id == brand_id).execution_options(synchronize_session=False)
    )
    db.session.expire_all()

    def _delete_files() -> None:
        storage.delete(logo)
        for path in pdfs:
            path.unlink(missing_ok=True)

    on_commit(_delete_files)
    return len(pdfs)
