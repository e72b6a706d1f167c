from sqlalchemy import select

from saas.extensions import db
from saas.models import Brand
from tenants.context import tenant_scope


def test_each_agency_sees_only_its_own_brands(two_agencies):
    alpha, bravo = two_agencies
    with tenant_scope(alpha.agency.id):
        names = {b.name for b in db.session.scalars(select(Brand))}
    assert names == {"Alpha Brand One", "Alpha Brand Two"}
