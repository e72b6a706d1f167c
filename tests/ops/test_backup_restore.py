"""scripts/backup and scripts/restore (``--local``): a backup restored into a fresh
database gives back every row and every file, byte for byte, and a restore refuses to run
without ``--yes`` or over a damaged backup."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, table
from sqlalchemy.engine import make_url

from saas.config import ROOT
from saas.extensions import db
from saas.models import Brand, Goal
from tenants.context import tenant_scope


@pytest.fixture
def postgres(database_url):
    if not database_url.startswith("postgres") or shutil.which("pg_dump") is None:
        pytest.skip("needs PostgreSQL (DATABASE_URL) and pg_dump")
    return database_url


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t: conn.execute(select(func.count()).select_from(table(t))).scalar_one()
                for t in inspect(conn).get_table_names()
            }
    finally:
        engine.dispose()


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _dirs(root: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(
        DATABASE_URL=url,
        UPLOAD_DIR=str(root / "uploads"),
        REPORTS_DIR=str(root / "reports"),
        EXPORTS_DIR=str(root / "exports"),
        TANDEM_INSTANCE=str(root / "instance"),
    )
    return env


def test_a_backup_restored_into_a_fresh_database_gives_back_rows_and_files(
    alpha, postgres, tmp_path, make_goal_row
):
    make_goal_row(alpha)
    source = tmp_path / "source"
    (source / "uploads" / str(alpha.agency.id)).mkdir(parents=True)
    (source / "uploads" / str(alpha.agency.id) / "logo.png").write_bytes(os.urandom(2048))
    (source / "reports" / str(alpha.agency.id)).mkdir(parents=True)
    (source / "reports" / str(alpha.agency.id) / "1.pdf").write_bytes(b"%PDF-1.7 " * 100)
    before_rows, before_files = _counts(postgres), _files(source)
    assert before_rows["goals"] >= 1 and before_rows["agencies"] >= 2

    made = _run("backup", "--local", str(tmp_path / "backups"), env=_dirs(source, postgres))
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    assert {p.name for p in backup.iterdir()} == {"database.dump", "files.tar", "MANIFEST"}

    url = make_url(postgres)
    name = f"tandem_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    target_url = url.set(database=name).render_as_string(hide_password=False)
    target = tmp_path / "target"
    try:
        refused = _run("restore", "--local", str(backup), env=_dirs(target, target_url))
        assert refused.returncode == 2 and "--yes" in refused.stderr
        assert _counts(target_url) == {}

        done = _run("restore", "--local", str(backup), "--yes", env=_dirs(target, target_url))
        assert done.returncode == 0, done.stderr
        assert _counts(target_url) == before_rows
        assert _files(target) == before_files
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_a_damaged_backup_is_refused_before_anything_is_replaced(alpha, postgres, tmp_path):
    source = tmp_path / "source"
    made = _run("backup", "--local", str(tmp_path / "backups"), env=_dirs(source, postgres))
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    with (backup / "database.dump").open("ab") as f:
        f.write(b"garbage")
    target = tmp_path / "target"
    (target / "uploads").mkdir(parents=True)
    (target / "uploads" / "keep.png").write_bytes(b"still here")

    refused = _run("restore", "--local", str(backup), "--yes", env=_dirs(target, postgres))

    assert refused.returncode != 0
    assert "FAILED" in refused.stdout + refused.stderr
    assert (target / "uploads" / "keep.png").read_bytes() == b"still here"


@pytest.fixture
def make_goal_row():
    def make(world) -> None:
        with tenant_scope(world.agency.id):
            brand = db.session.scalar(select(Brand).where(Brand.id == world.brand.id))
            db.session.add(
                Goal(
                    agency_id=world.agency.id,
                    brand_id=brand.id,
                    title="Backed up",
                    metric="followers",
                    unit="followers",
                    baseline=0.0,
                    target=10.0,
                    priority="high",
                    due_date=date(2027, 6, 30),
                )
            )
            db.session.commit()

    return make
