"""Negotiation meetings between visitors and exhibitors, their notes, and the exhibitors'
own booth and profile edits (the hall's scene document stays city-pack data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.db import Base, UtcDateTime, utcnow

# A slot is held while its meeting is open; declined and cancelled meetings free it.
HOLDING = "status IN ('requested', 'accepted')"


class Meeting(Base):
    __tablename__ = "expo_meetings"
    # The database refuses a second open meeting for the same enterprise or visitor at the same
    # start: the guard against double booking that no race between requests can get around.
    __table_args__ = (
        Index("ux_expo_meetings_enterprise_slot", "enterprise_id", "starts_at", unique=True,
              sqlite_where=text(HOLDING), postgresql_where=text(HOLDING)),
        Index("ux_expo_meetings_visitor_slot", "visitor_id", "starts_at", unique=True,
              sqlite_where=text(HOLDING), postgresql_where=text(HOLDING)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("industry_enterprises.id", ondelete="CASCADE"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            index=True)
    booth_key: Mapped[str | None] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(16), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text, default="")
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    # The enterprise member who accepted: the enterprise's party in the room.
    host_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    colleague_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    product_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # on the table
    visitor_entered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    host_entered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class MeetingNote(Base):
    """One text per meeting and side: `visitor` and `enterprise` are private to that side,
    `shared` is read and written by both."""

    __tablename__ = "expo_meeting_notes"
    __table_args__ = (UniqueConstraint("meeting_id", "side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("expo_meetings.id", ondelete="CASCADE"),
                                            index=True)
    side: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class BoothProfile(Base):
    """What an enterprise's members changed about their public profile and hall booth."""

    __tablename__ = "expo_booth_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("industry_enterprises.id", ondelete="CASCADE"), unique=True)
    website: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    brand_color: Mapped[str | None] = mapped_column(String(7))
    accent_color: Mapped[str | None] = mapped_column(String(7))
    panel_zh: Mapped[str | None] = mapped_column(String(400))
    panel_en: Mapped[str | None] = mapped_column(String(600))
    logo: Mapped[str | None] = mapped_column(String(80))  # blob name of the shop image store
    product_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    media: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
