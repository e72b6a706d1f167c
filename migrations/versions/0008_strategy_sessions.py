"""leadership strategy sessions, their attendees, and a time zone and working hours per user

Revision ID: 0008_strategy_sessions
Revises: 0007_notification_preferences
Create Date: 2026-12-02 14:30:00

New tables, and two nullable user columns: a user without a time zone is shown times in
the browser's (else the brand's) zone, and one without working hours gets the default for
their locale, so nothing existing changes meaning.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_strategy_sessions'
down_revision = '0007_notification_preferences'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('working_hours', sa.JSON(), nullable=True))

    op.create_table('strategy_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=255), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_strategy_sessions_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_strategy_sessions_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_strategy_sessions_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategy_sessions')),
    sa.UniqueConstraint('uid', name=op.f('uq_strategy_sessions_uid'))
    )
    with op.batch_alter_table('strategy_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_strategy_sessions_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_strategy_sessions_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_strategy_sessions_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_strategy_sessions_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_strategy_sessions_status'), ['status'], unique=False)

    op.create_table('session_attendees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('part', sa.String(length=20), nullable=False),
    sa.Column('rsvp', sa.String(length=20), nullable=False),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_session_attendees_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_session_attendees_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['strategy_sessions.id'], name=op.f('fk_session_attendees_session_id_strategy_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_attendees_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_attendees')),
    sa.UniqueConstraint('session_id', 'email', name=op.f('uq_session_attendees_session_id'))
    )
    with op.batch_alter_table('session_attendees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_attendees_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_attendees_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_attendees_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_attendees_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_attendees_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('session_attendees')
    op.drop_table('strategy_sessions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('working_hours')
        batch_op.drop_column('timezone')
