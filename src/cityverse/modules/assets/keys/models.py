"""Each real-name-verified user's Ed25519 keys, newest active; retired keys are kept because
entries they signed stay in the log under their DID."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.db import Base, UtcDateTime, utcnow


class UserKey(Base):
    __tablename__ = "asset_user_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    did: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # "custodial" or "external"
    # Custodial only: nonce || AES-256-GCM(KEK, data key) and nonce || AES-256-GCM(data key,
    # seed). The raw seed is never stored.
    wrapped_data_key: Mapped[bytes | None] = mapped_column(LargeBinary(64))
    sealed_seed: Mapped[bytes | None] = mapped_column(LargeBinary(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
