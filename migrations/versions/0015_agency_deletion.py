"""an agency's deletion with a grace period, and a single brand's export

Revision ID: 0015_agency_deletion
Revises: 0014_exports
Create Date: 2026-12-03 18:10:00

``agencies`` records who asked for its deletion, when, and when the grace period ends
(``deletion_due_at``; the purge job deletes the agency then).  ``exports`` may be limited to
one brand (``scope_brand_id`` and its name, with no foreign key: the export outlives the
brand's removal).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_agency_deletion'
down_revision = '0014_exports'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deletion_requested_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('deletion_requested_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('deletion_due_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agencies_deletion_due_at'), ['deletion_due_at'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_agencies_deletion_requested_by_id_users'),
            'users', ['deletion_requested_by_id'], ['id'], ondelete='SET NULL',
        )
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope_brand_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('scope_label', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.drop_column('scope_label')
        batch_op.drop_column('scope_brand_id')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agencies_deletion_requested_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agencies_deletion_due_at'))
        batch_op.drop_column('deletion_due_at')
        batch_op.drop_column('deletion_requested_by_id')
        batch_op.drop_column('deletion_requested_at')
