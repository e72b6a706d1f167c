"""Do the migrations build exactly the schema the models describe, on this run's database?

The session ``app`` fixture upgrades an empty database (SQLite, or a fresh PostgreSQL
database when DATABASE_URL is set) with ``flask db upgrade``; these tests check the result.
"""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from saas.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def test_migrations_have_a_single_head():
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert len(heads) == 1, f"several Alembic heads, merge them: {heads}"


def test_every_revision_has_a_descriptive_message():
    script = ScriptDirectory(str(MIGRATIONS))
    for revision in script.walk_revisions():
        assert revision.doc and len(revision.doc.strip()) >= 10, revision.revision


def test_upgrade_from_empty_reaches_the_head_revision(db_app):
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head


def test_upgrade_from_empty_matches_the_models_schema(db_app):
    """Would ``flask db migrate`` find anything to do?  It must not."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": False}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], (
        f"models and migrations differ on {db.engine.dialect.name}; "
        f"run `flask --app saas db migrate -m '...'`: {differences}"
    )
