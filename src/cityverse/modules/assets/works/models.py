"""Works registered on the ledger: metadata, the content hash, the wrapped data key of the
encrypted original, and where the registration sits in the log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.db import Base, UtcDateTime, utcnow

LogPosition = BigInteger().with_variant(Integer(), "sqlite")

AWAITING_SIGNATURE = "awaiting_signature"  # uploaded by a user who signs in the browser
REGISTERED = "registered"


class Work(Base):
    __tablename__ = "asset_works"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public id: in URLs, in the signed registration and as the certificate id.
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"),
                                            index=True)
    creator_did: Mapped[str] = mapped_column(String(100), index=True)
    creator_name: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    media_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    # One registration per content: the first creator to register a file holds its 确权.
    content_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    wrapped_data_key: Mapped[bytes] = mapped_column(LargeBinary(80))
    # Loaded only by the preview route: lists never carry the picture.
    preview: Mapped[bytes] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    log_index: Mapped[int | None] = mapped_column(LogPosition, unique=True)
    registered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
