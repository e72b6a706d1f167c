"""Eight people clicking one invitation at once: one account, one membership, no 500.

Regression test for issue 7, item 4 (two of eight concurrent accepts answered 500 on the
users' unique email).
"""

from __future__ import annotations

import json
import threading
import urllib.request
from urllib.error import HTTPError

from sqlalchemy import func, select

from saas.extensions import db
from saas.models import Membership, User
from tenants.context import system_scope


def _post(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status
    except HTTPError as err:
        return err.code


def test_concurrent_accepts_of_one_invitation_are_201_or_410(
    db_app, alpha, api, live_server, monkeypatch
):
    monkeypatch.setitem(db_app.config, "INVITE_ACCEPT_LIMIT_PER_TOKEN", "100 per minute")
    monkeypatch.setitem(db_app.config, "INVITE_ACCEPT_LIMIT_PER_IP", "100 per minute")
    created = api(alpha.tokens["owner"]).post(
        "/api/v1/invitations",
        json={"email": "racer@example.test", "role": "client_team", "brand_ids": [alpha.brand.id]},
    )
    assert created.status_code == 201
    token = created.get_json()["accept_url"].rsplit("/", 1)[1]
    url = f"{live_server}/api/v1/invitations/{token}/accept"
    body = {"name": "Racer", "password": "a long enough passphrase"}

    statuses: list[int] = []
    start = threading.Barrier(8)

    def accept() -> None:
        start.wait()
        statuses.append(_post(url, body))

    threads = [threading.Thread(target=accept) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(statuses) == 8
    assert set(statuses) <= {201, 410}, statuses
    assert statuses.count(201) == 1, statuses
    db.session.expire_all()
    with system_scope():
        users = db.session.scalar(
            select(func.count(User.id)).where(User.email == "racer@example.test")
        )
        members = db.session.scalar(
            select(func.count(Membership.id))
            .join(User, User.id == Membership.user_id)
            .where(User.email == "racer@example.test")
        )
    assert (users, members) == (1, 1)
