"""The world server's own tables: hall bans and chat history.

The world server imports no module, so it keeps these itself rather than asking a module.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.db import Base, UtcDateTime, utcnow


class WorldBan(Base):
    __tablename__ = "world_bans"
    __table_args__ = (UniqueConstraint("space_key", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    banned_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WorldChatMessage(Base):
    __tablename__ = "world_chat_messages"
    __table_args__ = (Index("ix_world_chat_messages_space_id", "space_key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_key: Mapped[str] = mapped_column(String(64))
    instance_id: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(16))
    sender_client_id: Mapped[int] = mapped_column(Integer)
    sender_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sender_name: Mapped[str] = mapped_column(String(64))
    # Stored as delivered: already masked by the word filter.
    text: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
