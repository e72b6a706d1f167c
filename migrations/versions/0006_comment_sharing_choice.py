"""remember each consultant's choice of sharing review comments with the client

Revision ID: 0006_comment_sharing_choice
Revises: 0005_revision_cycles
Create Date: 2026-12-02 13:20:00

Adds ``users.share_comments`` (nullable boolean).  Existing people get NULL: nobody has
answered "Visible to the client?" yet, so the comment form preselects nothing and asks
them to choose the first time.  No data is guessed from their earlier comments.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_comment_sharing_choice'
down_revision = '0005_revision_cycles'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_comments', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('share_comments')
