"""Two agencies with files on disk and secrets in the database, for the export tests."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import ApiToken, RecoveryCode, Report, User
from tenants.context import tenant_scope
from tenants.models import Agency

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@dataclass
class Seeded:
    logo: bytes
    pdf: bytes
    secrets: list[str]


def _seed(world, label: str, app) -> Seeded:
    """A logo and a report PDF on disk, a goal, a TOTP secret and a recovery code."""
    from saas.models import Goal

    agency_id = world.agency.id
    logo = PNG + f"{label}-LOGO-BYTES".encode()
    pdf = b"%PDF-1.7\n" + f"{label}-PDF-BYTES".encode()
    uploads = Path(app.config["UPLOAD_DIR"]) / str(agency_id)
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "logo.png").write_bytes(logo)
    with tenant_scope(agency_id):
        agency = db.session.scalar(select(Agency).where(Agency.id == agency_id))
        agency.logo_path = f"{agency_id}/logo.png"
        report = Report(
            brand_id=world.brand.id,
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
            status="ready",
            progress=100,
        )
        goal = Goal(
            brand_id=world.brand.id,
            title=f"{label} Goal marker",
            metric="followers",
            baseline=1,
            target=2,
            due_date=date(2027, 6, 30),
            priority="high",
        )
        db.session.add_all([report, goal])
        db.session.flush()
        report.file_path = f"{agency_id}/{report.id}.pdf"
        reports = Path(app.config["REPORTS_DIR"]) / str(agency_id)
        reports.mkdir(parents=True, exist_ok=True)
        (reports / f"{report.id}.pdf").write_bytes(pdf)
        owner = db.session.get(User, world.owner.user_id)
        owner.totp_secret = f"{label.upper()}TOTPSECRETXYZ234"
        db.session.add(RecoveryCode(user_id=owner.id, code_hash=f"{label.lower()}recoveryhash" * 2))
        token_hashes = list(db.session.scalars(select(ApiToken.token_hash)))
        db.session.commit()
        secrets = [owner.password_hash, owner.totp_secret, *token_hashes]
        secrets.append(f"{label.lower()}recoveryhash" * 2)
    return Seeded(logo=logo, pdf=pdf, secrets=secrets)


@pytest.fixture
def seeded(db_app, alpha, bravo):
    return _seed(alpha, "Alpha", db_app), _seed(bravo, "Bravo", db_app)


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
