"""The central tenant criteria: what a forgotten filter would otherwise leak."""

import pytest
from sqlalchemy import func, select, update

from saas.extensions import db
from saas.models import Agency, Brand, BrandAccess, Membership
from tenants.context import TenantScopeError, system_scope, tenant_scope
from tests import factories


def test_query_on_tenant_data_without_scope_fails_closed(two_agencies):
    with pytest.raises(TenantScopeError):
        db.session.scalars(select(Brand)).all()


def test_system_scope_sees_everything(two_agencies):
    with system_scope():
        assert db.session.scalar(select(func.count()).select_from(Brand)) == 4


def test_lookup_by_id_of_other_agency_finds_nothing(two_agencies):
    alpha, bravo = two_agencies
    with tenant_scope(bravo.agency.id):
        assert db.session.scalar(select(Brand).where(Brand.id == alpha.brand.id)) is None
        assert db.session.scalar(select(Agency).where(Agency.id == alpha.agency.id)) is None


def test_brand_scope_hides_other_brands_and_their_rows(two_agencies):
    alpha, _ = two_agencies
    with tenant_scope(alpha.agency.id, brand_ids=[alpha.brand.id]):
        assert [b.name for b in db.session.scalars(select(Brand))] == ["Alpha Brand One"]
        access_brands = {a.brand_id for a in db.session.scalars(select(BrandAccess))}
        assert access_brands == {alpha.brand.id}


def test_empty_brand_scope_sees_no_brand(two_agencies):
    alpha, _ = two_agencies
    with tenant_scope(alpha.agency.id, brand_ids=[]):
        assert db.session.scalars(select(Brand)).all() == []


def test_bulk_update_cannot_reach_other_agency(two_agencies):
    alpha, bravo = two_agencies
    with tenant_scope(bravo.agency.id):
        db.session.execute(update(Brand).values(industry="hacked"))
        db.session.commit()
    with tenant_scope(alpha.agency.id):
        assert (
            db.session.scalar(select(Brand.industry).where(Brand.id == alpha.brand.id))
            == "Alpha Industry"
        )


def test_creating_a_row_stamps_the_current_agency(two_agencies):
    _, bravo = two_agencies
    with tenant_scope(bravo.agency.id):
        b = Brand(name="Stamped")
        db.session.add(b)
        db.session.commit()
        assert b.agency_id == bravo.agency.id


def test_writing_into_another_agency_is_refused(two_agencies):
    alpha, bravo = two_agencies
    with tenant_scope(bravo.agency.id):
        db.session.add(Brand(name="Smuggled", agency_id=alpha.agency.id))
        with pytest.raises(TenantScopeError):
            db.session.flush()
    db.session.rollback()


def test_changing_a_row_of_another_agency_is_refused(two_agencies):
    alpha, bravo = two_agencies
    with system_scope():
        foreign = db.session.scalar(select(Brand).where(Brand.id == alpha.brand.id))
    with tenant_scope(bravo.agency.id):
        foreign.name = "Renamed by Bravo"
        with pytest.raises(TenantScopeError):
            db.session.flush()
    db.session.rollback()


def test_lazy_loads_are_scoped_too(two_agencies):
    alpha, _ = two_agencies
    agency_id, brand_id, consultant_id = alpha.agency.id, alpha.brand.id, alpha.consultant.id
    db.session.expunge_all()
    with tenant_scope(agency_id, brand_ids=[brand_id]):
        consultant = db.session.scalar(select(Membership).where(Membership.id == consultant_id))
        # The consultant is assigned to both brands, but this scope allows only one.
        assert {link.brand_id for link in consultant.brand_links} == {brand_id}


def test_client_user_cannot_write_outside_brand_scope(two_agencies):
    alpha, _ = two_agencies
    with tenant_scope(alpha.agency.id, brand_ids=[alpha.brand.id]):
        db.session.add(BrandAccess(brand_id=alpha.other_brand.id, membership_id=alpha.team.id))
        with pytest.raises(TenantScopeError):
            db.session.flush()
    db.session.rollback()


def test_factories_isolated_per_test(db_app):
    with system_scope():
        assert db.session.scalar(select(func.count()).select_from(Brand)) == 0
    a = factories.agency()
    factories.brand(a)
    db.session.commit()
