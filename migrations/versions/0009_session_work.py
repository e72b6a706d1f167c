"""session reminders, agendas, minutes, decisions, action items, calendar feeds and calendar parts

Revision ID: 0009_session_work
Revises: 0008_strategy_sessions
Create Date: 2026-12-03 07:24:59

New tables for what happens around a session (reminders, agenda items, decisions, action
items) and nullable columns elsewhere: minutes on a session, a calendar part on an outbox
message, a feed secret per user.  Nothing existing changes meaning.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_session_work'
down_revision = '0008_strategy_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_action_items_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_action_items_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_action_items_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_action_items_done_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_action_items_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['strategy_sessions.id'], name=op.f('fk_action_items_session_id_strategy_sessions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_items'))
    )
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_items_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_status'), ['status'], unique=False)

    op.create_table('session_agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('source_kind', sa.String(length=20), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('edited', sa.Boolean(), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_session_agenda_items_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_session_agenda_items_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['strategy_sessions.id'], name=op.f('fk_session_agenda_items_session_id_strategy_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_agenda_items')),
    sa.UniqueConstraint('session_id', 'source_kind', 'source_id', name=op.f('uq_session_agenda_items_session_id'))
    )
    with op.batch_alter_table('session_agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_agenda_items_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_agenda_items_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_agenda_items_session_id'), ['session_id'], unique=False)

    op.create_table('session_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=True),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_session_decisions_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_session_decisions_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_session_decisions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_session_decisions_goal_id_goals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_session_decisions_plan_id_plans'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['strategy_sessions.id'], name=op.f('fk_session_decisions_session_id_strategy_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_decisions'))
    )
    with op.batch_alter_table('session_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_decisions_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_decisions_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_decisions_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_decisions_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_decisions_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_decisions_status'), ['status'], unique=False)

    op.create_table('session_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('job_id', sa.String(length=100), nullable=True),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('attempted_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_session_reminders_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_session_reminders_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['strategy_sessions.id'], name=op.f('fk_session_reminders_session_id_strategy_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_reminders_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_reminders')),
    sa.UniqueConstraint('session_id', 'email', 'kind', name=op.f('uq_session_reminders_session_id'))
    )
    with op.batch_alter_table('session_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_reminders_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_reminders_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_reminders_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_reminders_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_reminders_status'), ['status'], unique=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_ics', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('calendar_method', sa.String(length=10), nullable=True))

    with op.batch_alter_table('strategy_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minutes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('minutes_recorded_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('minutes_recorded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_strategy_sessions_minutes_recorded_by_id_users'), 'users', ['minutes_recorded_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_feed_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_calendar_feed_hash'), ['calendar_feed_hash'])



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_calendar_feed_hash'), type_='unique')
        batch_op.drop_column('calendar_feed_hash')

    with op.batch_alter_table('strategy_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_strategy_sessions_minutes_recorded_by_id_users'), type_='foreignkey')
        batch_op.drop_column('minutes_recorded_by_id')
        batch_op.drop_column('minutes_recorded_at')
        batch_op.drop_column('minutes')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('calendar_method')
        batch_op.drop_column('calendar_ics')

    with op.batch_alter_table('session_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_reminders_status'))
        batch_op.drop_index(batch_op.f('ix_session_reminders_session_id'))
        batch_op.drop_index(batch_op.f('ix_session_reminders_due_at'))
        batch_op.drop_index(batch_op.f('ix_session_reminders_brand_id'))
        batch_op.drop_index(batch_op.f('ix_session_reminders_agency_id'))

    op.drop_table('session_reminders')
    with op.batch_alter_table('session_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_decisions_status'))
        batch_op.drop_index(batch_op.f('ix_session_decisions_plan_id'))
        batch_op.drop_index(batch_op.f('ix_session_decisions_goal_id'))
        batch_op.drop_index(batch_op.f('ix_session_decisions_session_id'))
        batch_op.drop_index(batch_op.f('ix_session_decisions_brand_id'))
        batch_op.drop_index(batch_op.f('ix_session_decisions_agency_id'))

    op.drop_table('session_decisions')
    with op.batch_alter_table('session_agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_agenda_items_session_id'))
        batch_op.drop_index(batch_op.f('ix_session_agenda_items_brand_id'))
        batch_op.drop_index(batch_op.f('ix_session_agenda_items_agency_id'))

    op.drop_table('session_agenda_items')
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_items_status'))
        batch_op.drop_index(batch_op.f('ix_action_items_session_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_owner_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_brand_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_agency_id'))

    op.drop_table('action_items')
