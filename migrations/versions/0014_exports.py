"""the agency's data export: one row per requested zip, built by a worker

Revision ID: 0014_exports
Revises: 0013_accounts
Create Date: 2026-12-03 14:50:00

``exports`` holds an owner's request for the agency's data (JSON and CSV per table, the
logos and the report PDFs in one zip): its status and progress while a worker builds it,
the file's path under ``EXPORTS_DIR`` and size once ready, and when the download expires.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014_exports'
down_revision = '0013_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('path', sa.String(length=255), nullable=True),
    sa.Column('job_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_exports_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_exports_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exports'))
    )
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exports_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_exports_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_exports_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exports_status'))
        batch_op.drop_index(batch_op.f('ix_exports_expires_at'))
        batch_op.drop_index(batch_op.f('ix_exports_created_at'))
        batch_op.drop_index(batch_op.f('ix_exports_agency_id'))
    op.drop_table('exports')
