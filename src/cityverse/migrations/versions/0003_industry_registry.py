"""industry registry: labels, yearly declarations, plan targets, industrial spaces, scenarios

Revision ID: 0003_industry_registry
Revises: 0002
Create Date: 2026-11-23 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cityverse.core.db

revision: str = '0003_industry_registry'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Yuan amounts pass 2^31; SQLite's INTEGER is 64-bit already.
AMOUNT = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _created_at() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column('created_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=False)


def _index(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def upgrade() -> None:
    op.create_table('industry_labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=128), nullable=False),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('revoked_reason', sa.String(length=200), nullable=True),
    _created_at(),
    sa.ForeignKeyConstraint(['enterprise_id'], ['industry_enterprises.id'], name=op.f('fk_industry_labels_enterprise_id_industry_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_industry_labels'))
    )
    _index('industry_labels', 'enterprise_id', 'kind')
    op.create_table('industry_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('revenue', AMOUNT, nullable=False),
    sa.Column('rd_spending', AMOUNT, nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('patents', sa.Integer(), nullable=False),
    sa.Column('software_copyrights', sa.Integer(), nullable=False),
    sa.Column('trademarks', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('submitted_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    _created_at(),
    sa.Column('updated_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['industry_enterprises.id'], name=op.f('fk_industry_declarations_enterprise_id_industry_enterprises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by'], ['users.id'], name=op.f('fk_industry_declarations_reviewed_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_industry_declarations')),
    sa.UniqueConstraint('enterprise_id', 'year', name=op.f('uq_industry_declarations_enterprise_id'))
    )
    _index('industry_declarations', 'enterprise_id', 'year', 'status')
    op.create_table('industry_plan_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=True),
    sa.Column('plan_name', sa.String(length=128), nullable=False),
    sa.Column('plan_name_en', sa.String(length=160), nullable=False),
    sa.Column('name_zh', sa.String(length=128), nullable=False),
    sa.Column('name_en', sa.String(length=160), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.Column('target_value', AMOUNT, nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    _created_at(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_industry_plan_targets')),
    sa.UniqueConstraint('key', name=op.f('uq_industry_plan_targets_key'))
    )
    op.create_table('industry_spaces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=True),
    sa.Column('park_name', sa.String(length=128), nullable=False),
    sa.Column('town', sa.String(length=64), nullable=False),
    sa.Column('area_m2', sa.Integer(), nullable=False),
    sa.Column('in_service_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    _created_at(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_industry_spaces')),
    sa.UniqueConstraint('key', name=op.f('uq_industry_spaces_key'))
    )
    _index('industry_spaces', 'in_service_on')
    op.create_table('industry_scenarios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('name_en', sa.String(length=160), nullable=False),
    sa.Column('field', sa.String(length=24), nullable=False),
    sa.Column('owner_enterprise_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('link_path', sa.String(length=200), nullable=False),
    _created_at(),
    sa.Column('updated_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_enterprise_id'], ['industry_enterprises.id'], name=op.f('fk_industry_scenarios_owner_enterprise_id_industry_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_industry_scenarios')),
    sa.UniqueConstraint('key', name=op.f('uq_industry_scenarios_key'))
    )
    _index('industry_scenarios', 'field', 'owner_enterprise_id', 'status')
    op.create_table('industry_scenario_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['industry_scenarios.id'], name=op.f('fk_industry_scenario_milestones_project_id_industry_scenarios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_industry_scenario_milestones'))
    )
    _index('industry_scenario_milestones', 'project_id')


def downgrade() -> None:
    for table in ('industry_scenario_milestones', 'industry_scenarios', 'industry_spaces',
                  'industry_plan_targets', 'industry_declarations', 'industry_labels'):
        op.drop_table(table)
