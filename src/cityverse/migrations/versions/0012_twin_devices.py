"""twin: devices that feed entities (MQTT and HTTP telemetry)

Revision ID: 0012_twin_devices
Revises: 0011_twin_entities
Create Date: 2026-11-24 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cityverse.core.db

revision: str = '0012_twin_devices'
down_revision: str | None = '0011_twin_entities'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('twin_devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=128), nullable=False),
    sa.Column('tenant', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.String(length=512), nullable=False),
    sa.Column('attribute_map', sa.JSON(), nullable=False),
    sa.Column('key_hash', sa.String(length=160), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('simulated', sa.Boolean(), nullable=False),
    sa.Column('created_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('key_rotated_at', cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_twin_devices')),
    sa.UniqueConstraint('device_id', name=op.f('uq_twin_devices_device_id'))
    )


def downgrade() -> None:
    op.drop_table('twin_devices')
