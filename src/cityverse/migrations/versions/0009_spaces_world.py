"""spaces settings and hosts; world-server bans and chat history

Revision ID: 0009_spaces_world
Revises: 0008_assets_evm
Create Date: 2026-11-23 23:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cityverse.core.db

revision: str = "0009_spaces_world"
down_revision: str | None = '0008_assets_evm'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "spaces_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_key", sa.String(length=64), nullable=False),
        sa.Column("capacity_per_instance", sa.Integer(), nullable=False),
        sa.Column("allow_guests", sa.Boolean(), nullable=False),
        sa.Column("guests_can_chat", sa.Boolean(), nullable=False),
        sa.Column("updated_at", cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spaces_settings")),
        sa.UniqueConstraint("space_key", name=op.f("uq_spaces_settings_space_key")),
    )
    op.create_table(
        "spaces_hosts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_spaces_hosts_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spaces_hosts")),
        sa.UniqueConstraint("space_key", "user_id", name=op.f("uq_spaces_hosts_space_key")),
    )
    op.create_index(op.f("ix_spaces_hosts_space_key"), "spaces_hosts", ["space_key"])
    op.create_index(op.f("ix_spaces_hosts_user_id"), "spaces_hosts", ["user_id"])
    op.create_table(
        "world_bans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("banned_by", sa.Integer(), nullable=True),
        sa.Column("created_at", cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_world_bans_user_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["banned_by"], ["users.id"],
                                name=op.f("fk_world_bans_banned_by_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_world_bans")),
        sa.UniqueConstraint("space_key", "user_id", name=op.f("uq_world_bans_space_key")),
    )
    op.create_index(op.f("ix_world_bans_user_id"), "world_bans", ["user_id"])
    op.create_table(
        "world_chat_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_key", sa.String(length=64), nullable=False),
        sa.Column("instance_id", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("sender_client_id", sa.Integer(), nullable=False),
        sa.Column("sender_user_id", sa.Integer(), nullable=True),
        sa.Column("sender_name", sa.String(length=64), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("created_at", cityverse.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_world_chat_messages")),
    )
    op.create_index("ix_world_chat_messages_space_id", "world_chat_messages", ["space_key", "id"])


def downgrade() -> None:
    op.drop_index("ix_world_chat_messages_space_id", table_name="world_chat_messages")
    op.drop_table("world_chat_messages")
    op.drop_index(op.f("ix_world_bans_user_id"), table_name="world_bans")
    op.drop_table("world_bans")
    op.drop_index(op.f("ix_spaces_hosts_user_id"), table_name="spaces_hosts")
    op.drop_index(op.f("ix_spaces_hosts_space_key"), table_name="spaces_hosts")
    op.drop_table("spaces_hosts")
    op.drop_table("spaces_settings")
