"""Two requests at once cannot both create the brand that passes the plan's limit.

PostgreSQL only (SQLite serialises writers, so it cannot race): each request locks the
agency's billing row (``SELECT ... FOR UPDATE``) before counting.  To make the race real,
every counting request waits (briefly) for the other one after counting: without the lock
both count 2 of 3 and both insert; with it, the second cannot count until the first has
committed, and then it counts 3.
"""

from __future__ import annotations

import contextlib
import os
import threading

import pytest
from sqlalchemy import func, select

from saas.extensions import db
from saas.models import Brand
from saas.services.entitlements import usage
from tenants.context import tenant_scope
from tests.billing.entitlement_helpers import set_billing

pytestmark = pytest.mark.skipif(
    not (os.environ.get("DATABASE_URL") or "").startswith("postgres"),
    reason="a race needs PostgreSQL (DATABASE_URL); SQLite serialises writers",
)


@pytest.mark.parametrize("with_row", [True, False], ids=["billing-row", "no-row-yet"])
def test_two_simultaneous_brand_creations_cannot_both_pass_the_limit(
    alpha, db_app, monkeypatch, with_row
):
    monkeypatch.setitem(db_app.config, "STRIPE_SECRET_KEY", "sk_test_entitlements")
    if with_row:
        set_billing(alpha.agency, plan="starter", status="active")  # 3 brands; 2 exist
    # Without a row the agency is on a Starter trial and its own row is the lock.

    both_counted = threading.Barrier(2, timeout=1.5)
    real_count = usage.count

    def count_then_wait(*args, **kwargs):
        n = real_count(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_counted.wait()  # only an unlocked race lets both get here together
        return n

    monkeypatch.setattr(usage, "count", count_then_wait)
    token = alpha.tokens["owner"]
    results: list[tuple[int, dict]] = []

    def create(name: str) -> None:
        client = db_app.test_client()
        resp = client.post(
            "/api/v1/brands", json={"name": name}, headers={"Authorization": f"Bearer {token}"}
        )
        results.append((resp.status_code, resp.get_json()))

    threads = [threading.Thread(target=create, args=(f"Racer {i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    statuses = sorted(code for code, _ in results)
    assert statuses == [201, 402], results
    refused = next(body for code, body in results if code == 402)
    assert refused["error"]["code"] == "plan_limit"
    db.session.expire_all()
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(func.count(Brand.id))) == 3
