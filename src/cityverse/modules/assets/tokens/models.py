"""Tables of collections (系列), their IP documents, the tokens minted from them and each
token's events. No column holds a price: a transfer is a gift.

Every event row points at the log entry (``leaf_index``) holding its signed transaction; the
log is append-only, the rows here are the platform's index of it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cityverse.core.db import Base, UtcDateTime, utcnow


class AssetCollection(Base):
    """A creator's proposal to issue ``edition_count`` tokens of one registered work."""

    __tablename__ = "asset_collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    edition_count: Mapped[int] = mapped_column(Integer)
    work_id: Mapped[str] = mapped_column(String(64), index=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reject_reason: Mapped[str | None] = mapped_column(String(500))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)

    documents: Mapped[list[AssetCollectionDocument]] = relationship(
        back_populates="collection", lazy="raise", cascade="all, delete-orphan",
        order_by="AssetCollectionDocument.id",
    )


class AssetCollectionDocument(Base):
    """An IP authorization document (PDF or image) uploaded with a proposal."""

    __tablename__ = "asset_collection_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("asset_collections.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Size-limited at upload (a few MB); kept with the proposal so review needs no blob store.
    content: Mapped[bytes] = mapped_column(LargeBinary)

    collection: Mapped[AssetCollection] = relationship(back_populates="documents", lazy="raise")


class AssetToken(Base):
    """One edition of an approved collection; ``serial`` is its number within the collection."""

    __tablename__ = "asset_tokens"
    __table_args__ = (UniqueConstraint("collection_id", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("asset_collections.id", ondelete="RESTRICT"), index=True
    )
    serial: Mapped[int] = mapped_column(Integer)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    # When the current owner received it: the holding period counts from here.
    acquired_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    freeze_reason: Mapped[str | None] = mapped_column(String(500))
    burned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Bumped by every event; an update that finds another version lost a race and is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    collection: Mapped[AssetCollection] = relationship(lazy="raise")


class AssetTokenEvent(Base):
    """mint, transfer, freeze, unfreeze or burn, with the log entry that records it."""

    __tablename__ = "asset_token_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(
        ForeignKey("asset_tokens.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(500))
    leaf_index: Mapped[int] = mapped_column(BigInteger, unique=True)
    tx_sha256: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
