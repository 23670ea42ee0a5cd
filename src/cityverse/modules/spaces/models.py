"""Per-space settings a host or admin may change; the scene document itself is city-pack data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.db import Base, UtcDateTime, utcnow


class SpaceSettings(Base):
    __tablename__ = "spaces_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_key: Mapped[str] = mapped_column(String(64), unique=True)
    capacity_per_instance: Mapped[int] = mapped_column(Integer)
    allow_guests: Mapped[bool] = mapped_column(Boolean)
    guests_can_chat: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SpaceHost(Base):
    """A user who may moderate a space (mute, kick, ban) in the world server."""

    __tablename__ = "spaces_hosts"
    __table_args__ = (UniqueConstraint("space_key", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_key: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
