"""billing: an agency's plan and status, Stripe's events and invoices

Revision ID: 0010_billing
Revises: 0009_session_work
Create Date: 2026-12-03 07:45:00

Every agency that exists when this runs gets a 14-day trial from now (``TRIAL_DAYS`` is a
setting of the app, not of the migration: a migration must mean the same on every machine),
so nobody becomes read-only the moment billing ships.
"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_billing'
down_revision = '0009_session_work'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agency_billing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan', sa.String(length=20), nullable=False),
    sa.Column('interval', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('trial_ends_at', sa.DateTime(), nullable=True),
    sa.Column('current_period_end', sa.DateTime(), nullable=True),
    sa.Column('past_due_since', sa.DateTime(), nullable=True),
    sa.Column('canceled_at', sa.DateTime(), nullable=True),
    sa.Column('stripe_customer_id', sa.String(length=64), nullable=True),
    sa.Column('stripe_subscription_id', sa.String(length=64), nullable=True),
    sa.Column('subscription_version', sa.Integer(), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_agency_billing_agency_id_agencies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_billing')),
    sa.UniqueConstraint('agency_id', name=op.f('uq_agency_billing_agency_id')),
    sa.UniqueConstraint('stripe_customer_id', name=op.f('uq_agency_billing_stripe_customer_id')),
    sa.UniqueConstraint('stripe_subscription_id', name=op.f('uq_agency_billing_stripe_subscription_id'))
    )
    with op.batch_alter_table('agency_billing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_billing_agency_id'), ['agency_id'], unique=False)

    op.create_table('billing_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stripe_event_id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('stripe_created', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('processed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_billing_events_agency_id_agencies'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_events')),
    sa.UniqueConstraint('stripe_event_id', name=op.f('uq_billing_events_stripe_event_id'))
    )
    with op.batch_alter_table('billing_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_events_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_events_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_events_type'), ['type'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stripe_invoice_id', sa.String(length=64), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('amount_due', sa.Integer(), nullable=False),
    sa.Column('amount_paid', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('hosted_invoice_url', sa.String(length=1000), nullable=True),
    sa.Column('period_start', sa.DateTime(), nullable=True),
    sa.Column('period_end', sa.DateTime(), nullable=True),
    sa.Column('stripe_created', sa.Integer(), nullable=False),
    sa.Column('dunning_sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_invoices_agency_id_agencies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('stripe_invoice_id', name=op.f('uq_invoices_stripe_invoice_id'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_agency_id'), ['agency_id'], unique=False)



    _trial_for_existing_agencies()


def _trial_for_existing_agencies():
    connection = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    ends = now + timedelta(days=14)
    agencies = sa.table('agencies', sa.column('id', sa.Integer))
    billing = sa.table(
        'agency_billing',
        sa.column('agency_id', sa.Integer),
        sa.column('plan', sa.String),
        sa.column('status', sa.String),
        sa.column('trial_ends_at', sa.DateTime),
        sa.column('timezone', sa.String),
        sa.column('created_at', sa.DateTime),
        sa.column('updated_at', sa.DateTime),
    )
    ids = [row[0] for row in connection.execute(sa.select(agencies.c.id))]
    if ids:
        op.bulk_insert(billing, [
            {'agency_id': i, 'plan': 'starter', 'status': 'trialing', 'trial_ends_at': ends,
             'timezone': 'UTC', 'created_at': now, 'updated_at': now}
            for i in ids
        ])


def downgrade():
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_agency_id'))

    op.drop_table('invoices')
    with op.batch_alter_table('billing_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_events_type'))
        batch_op.drop_index(batch_op.f('ix_billing_events_status'))
        batch_op.drop_index(batch_op.f('ix_billing_events_agency_id'))

    op.drop_table('billing_events')
    with op.batch_alter_table('agency_billing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_billing_agency_id'))

    op.drop_table('agency_billing')
