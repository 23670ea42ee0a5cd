"""expo: negotiation meetings, their notes, exhibitors' booth and profile edits

Revision ID: 0014_expo_meetings
Revises: 0013_twin_geo_index
Create Date: 2026-11-24 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cityverse.core.db

revision: str = '0014_expo_meetings'
down_revision: str | None = '0013_twin_geo_index'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOLDING = sa.text("status IN ('requested', 'accepted')")


def upgrade() -> None:
    op.create_table('expo_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('booth_key', sa.String(length=64), nullable=True),
    sa.Column('starts_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('decline_reason', sa.String(length=500), nullable=True),
    sa.Column('host_id', sa.Integer(), nullable=True),
    sa.Column('colleague_ids', sa.JSON(), nullable=False),
    sa.Column('product_ids', sa.JSON(), nullable=False),
    sa.Column('visitor_entered_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('host_entered_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['industry_enterprises.id'], name=op.f('fk_expo_meetings_enterprise_id_industry_enterprises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitor_id'], ['users.id'], name=op.f('fk_expo_meetings_visitor_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['host_id'], ['users.id'], name=op.f('fk_expo_meetings_host_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expo_meetings'))
    )
    with op.batch_alter_table('expo_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expo_meetings_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expo_meetings_visitor_id'), ['visitor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expo_meetings_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_expo_meetings_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_expo_meetings_created_at'), ['created_at'], unique=False)
    # Partial unique indexes (both databases support them): at most one open meeting per
    # enterprise and per visitor at a given start.
    op.create_index('ux_expo_meetings_enterprise_slot', 'expo_meetings',
                    ['enterprise_id', 'starts_at'], unique=True,
                    sqlite_where=HOLDING, postgresql_where=HOLDING)
    op.create_index('ux_expo_meetings_visitor_slot', 'expo_meetings',
                    ['visitor_id', 'starts_at'], unique=True,
                    sqlite_where=HOLDING, postgresql_where=HOLDING)

    op.create_table('expo_meeting_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['expo_meetings.id'], name=op.f('fk_expo_meeting_notes_meeting_id_expo_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_expo_meeting_notes_updated_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expo_meeting_notes')),
    sa.UniqueConstraint('meeting_id', 'side', name=op.f('uq_expo_meeting_notes_meeting_id'))
    )
    with op.batch_alter_table('expo_meeting_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expo_meeting_notes_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('expo_booth_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('contact_name', sa.String(length=64), nullable=True),
    sa.Column('contact_phone', sa.String(length=32), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('brand_color', sa.String(length=7), nullable=True),
    sa.Column('accent_color', sa.String(length=7), nullable=True),
    sa.Column('panel_zh', sa.String(length=400), nullable=True),
    sa.Column('panel_en', sa.String(length=600), nullable=True),
    sa.Column('logo', sa.String(length=80), nullable=True),
    sa.Column('product_ids', sa.JSON(), nullable=False),
    sa.Column('media', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['industry_enterprises.id'], name=op.f('fk_expo_booth_profiles_enterprise_id_industry_enterprises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_expo_booth_profiles_updated_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expo_booth_profiles')),
    sa.UniqueConstraint('enterprise_id', name=op.f('uq_expo_booth_profiles_enterprise_id'))
    )


def downgrade() -> None:
    op.drop_table('expo_booth_profiles')
    op.drop_table('expo_meeting_notes')
    op.drop_index('ux_expo_meetings_visitor_slot', table_name='expo_meetings')
    op.drop_index('ux_expo_meetings_enterprise_slot', table_name='expo_meetings')
    op.drop_table('expo_meetings')
