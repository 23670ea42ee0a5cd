"""Generated monthly reports; the files themselves live under the data folder."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.db import Base, UtcDateTime, utcnow


class IndustryReport(Base):
    __tablename__ = "industry_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)  # YYYY-MM
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    # None when the monthly schedule made it.
    generated_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    trigger: Mapped[str] = mapped_column(String(16))  # manual | schedule
    xlsx_bytes: Mapped[int] = mapped_column(Integer)
    pdf_bytes: Mapped[int] = mapped_column(Integer)
