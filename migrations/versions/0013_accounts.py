"""accounts a person controls: two-factor sign-in, recovery codes, email change, agency 2FA rule

Revision ID: 0013_accounts
Revises: 0012_plan_version
Create Date: 2026-12-03 14:20:00

``users`` gains the TOTP secret (stored as is: there is no key store to encrypt it with;
it is never shown again once set up), when two-factor sign-in was turned on, the time step
of the last code accepted (no replay) and an email address waiting for confirmation.
``recovery_codes`` holds only peppered hashes of the single-use codes.  Email changes reuse
``one_time_tokens`` (purpose ``email_change``).  ``agencies.require_two_factor`` lets an
owner require two-factor sign-in of every owner and consultant; existing agencies start off.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_accounts'
down_revision = '0012_plan_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_counter', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('pending_email', sa.String(length=254), nullable=True))

    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('require_two_factor', sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_column('require_two_factor')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('pending_email')
        batch_op.drop_column('totp_last_counter')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
