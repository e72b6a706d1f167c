"""product notification preferences per person, with one-click unsubscribe

Revision ID: 0007_notification_preferences
Revises: 0006_comment_sharing_choice
Create Date: 2026-12-02 13:20:00

A new table only: nobody has a row yet, and a kind without a row is on, so every person
keeps receiving what they received before.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_notification_preferences'
down_revision = '0006_comment_sharing_choice'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notification_preferences_user_id'))
    )


def downgrade():
    op.drop_table('notification_preferences')
