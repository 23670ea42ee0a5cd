"""Enterprise labels (专精特新, 领军企业, 链主企业) and yearly declarations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.db import Base, UtcDateTime, utcnow

# Yuan amounts of a whole industry pass 2^31; SQLite's INTEGER is 64-bit already.
Money = BigInteger().with_variant(Integer(), "sqlite")


class EnterpriseLabel(Base):
    """A title granted by a government body; revoking keeps the row so history stays true."""

    __tablename__ = "industry_labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("industry_enterprises.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), index=True)
    granted_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(128))
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoked_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Declaration(Base):
    """What one enterprise declares for one year; counts toward targets once confirmed."""

    __tablename__ = "industry_declarations"
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("industry_enterprises.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer, index=True)
    revenue: Mapped[int] = mapped_column(Money)  # metaverse-related revenue, yuan
    rd_spending: Mapped[int] = mapped_column(Money)  # yuan
    headcount: Mapped[int] = mapped_column(Integer)
    patents: Mapped[int] = mapped_column(Integer)
    software_copyrights: Mapped[int] = mapped_column(Integer)
    trademarks: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True, default="draft")
    return_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
