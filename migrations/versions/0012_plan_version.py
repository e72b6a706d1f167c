"""plan version: a counter for optimistic concurrency (two people editing one plan)

Revision ID: 0012_plan_version
Revises: 0011_capability
Create Date: 2026-12-03 14:10:00

Every save of a plan's content and every workflow transition moves ``plans.version`` on
by one with a compare-and-set UPDATE; a save that carries an older version is refused
(409 ``edit_conflict``).  Existing plans start at 1 (the server default fills them).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012_plan_version'
down_revision = '0011_capability'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('version')
