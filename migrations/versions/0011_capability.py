"""team capability: skills, team members, assessments, learning budgets and items

Revision ID: 0011_capability
Revises: 0010_billing
Create Date: 2026-12-03 08:55:00

New tables only.  The default skills catalogue is seeded per agency by the skills service
the first time it is read (``saas.services.capability``), not here, so agencies created
later get the same default without a second code path.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_capability'
down_revision = '0010_billing'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('skills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('name_ar', sa.String(length=80), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_skills_agency_id_agencies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skills')),
    sa.UniqueConstraint('agency_id', 'key', name=op.f('uq_skills_agency_id'))
    )
    with op.batch_alter_table('skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skills_agency_id'), ['agency_id'], unique=False)

    op.create_table('learning_budgets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hours_per_person_per_month', sa.Float(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_learning_budgets_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_learning_budgets_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_learning_budgets_set_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_budgets'))
    )
    with op.batch_alter_table('learning_budgets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_budgets_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_budgets_brand_id'), ['brand_id'], unique=False)

    op.create_table('team_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_team_members_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_team_members_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_team_members_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_members'))
    )
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_members_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_members_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_members_user_id'), ['user_id'], unique=False)

    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('skill_key', sa.String(length=40), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('assessed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_assessments_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['users.id'], name=op.f('fk_assessments_assessed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_assessments_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['team_members.id'], name=op.f('fk_assessments_member_id_team_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_skill_key'), ['skill_key'], unique=False)

    op.create_table('learning_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('skill_key', sa.String(length=40), nullable=True),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_learning_items_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_learning_items_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_learning_items_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_learning_items_finding_id_findings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['team_members.id'], name=op.f('fk_learning_items_member_id_team_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['strategy_sessions.id'], name=op.f('fk_learning_items_session_id_strategy_sessions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_items'))
    )
    with op.batch_alter_table('learning_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_items_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_items_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_items_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_items_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('learning_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_items_status'))
        batch_op.drop_index(batch_op.f('ix_learning_items_member_id'))
        batch_op.drop_index(batch_op.f('ix_learning_items_brand_id'))
        batch_op.drop_index(batch_op.f('ix_learning_items_agency_id'))

    op.drop_table('learning_items')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_skill_key'))
        batch_op.drop_index(batch_op.f('ix_assessments_member_id'))
        batch_op.drop_index(batch_op.f('ix_assessments_created_at'))
        batch_op.drop_index(batch_op.f('ix_assessments_brand_id'))
        batch_op.drop_index(batch_op.f('ix_assessments_agency_id'))

    op.drop_table('assessments')
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_team_members_brand_id'))
        batch_op.drop_index(batch_op.f('ix_team_members_agency_id'))

    op.drop_table('team_members')
    with op.batch_alter_table('learning_budgets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_budgets_brand_id'))
        batch_op.drop_index(batch_op.f('ix_learning_budgets_agency_id'))

    op.drop_table('learning_budgets')
    with op.batch_alter_table('skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skills_agency_id'))

    op.drop_table('skills')
