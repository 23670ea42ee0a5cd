"""industry: monthly reports (files under the data folder, one row per month)

Revision ID: 0005_industry_reports
Revises: 0004_industry_support
Create Date: 2026-11-23 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cityverse.core.db

revision: str = '0005_industry_reports'
# Also the merge point of the registry's and the service center's revisions, which both
# follow 0002 on their own branches.
down_revision: str | None = '0004_industry_support'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('industry_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('generated_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('generated_by', sa.Integer(), nullable=True),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('xlsx_bytes', sa.Integer(), nullable=False),
    sa.Column('pdf_bytes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['generated_by'], ['users.id'], name=op.f('fk_industry_reports_generated_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_industry_reports')),
    sa.UniqueConstraint('month', name=op.f('uq_industry_reports_month'))
    )
    op.create_index(op.f('ix_industry_reports_generated_at'), 'industry_reports', ['generated_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_industry_reports_generated_at'), table_name='industry_reports')
    op.drop_table('industry_reports')
