"""The twin's context data: NGSI-LD entities per tenant, with their types and attribute names
in side tables so that type queries and discovery (/types, /attributes) use indexes, and the
bounding box of `location` in columns, indexed spatially by migration 0013 (an R*Tree on SQLite,
GiST on PostgreSQL), so that geo-queries narrow candidates in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.db import Base, UtcDateTime


def core_table(model: type[Base]) -> Table:
    """The Core table of a model, for executemany inserts (ORM bulk inserts and INSERT …
    RETURNING go row by row on SQLite)."""
    return cast(Table, model.__table__)


# Tenant "" is the default tenant (no NGSILD-Tenant header).
DEFAULT_TENANT = ""


class TwinEntity(Base):
    __tablename__ = "twin_entities"
    __table_args__ = (
        UniqueConstraint("tenant", "entity_id"),
        # Walks a tenant's entities in creation order, so a query's first page stops early.
        Index("ix_twin_entities_order", "tenant", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(512))
    types: Mapped[list[str]] = mapped_column(JSON)
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_lon: Mapped[float | None] = mapped_column(Float)
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TwinEntityType(Base):
    __tablename__ = "twin_entity_types"
    __table_args__ = (Index("ix_twin_entity_types_lookup", "tenant", "type_iri"),)

    entity_pk: Mapped[int] = mapped_column(
        ForeignKey("twin_entities.id", ondelete="CASCADE"), primary_key=True
    )
    type_iri: Mapped[str] = mapped_column(String(512), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64))


class TwinEntityAttribute(Base):
    __tablename__ = "twin_entity_attributes"
    __table_args__ = (Index("ix_twin_entity_attributes_lookup", "tenant", "attr_iri"),)

    entity_pk: Mapped[int] = mapped_column(
        ForeignKey("twin_entities.id", ondelete="CASCADE"), primary_key=True
    )
    attr_iri: Mapped[str] = mapped_column(String(512), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64))


class TwinAttributeInstance(Base):
    """The temporal evolution of attributes (clause 4.4): every instance an attribute has
    had, kept when the entity changes or goes away."""

    __tablename__ = "twin_attribute_instances"
    __table_args__ = (
        Index("ix_twin_attribute_instances_series", "tenant", "entity_id", "attr_iri",
              "observed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(512))
    attr_iri: Mapped[str] = mapped_column(String(512))
    dataset_id: Mapped[str] = mapped_column(String(512), default="")
    instance_id: Mapped[str] = mapped_column(String(96), unique=True)
    observed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime)
    instance: Mapped[dict[str, Any]] = mapped_column(JSON)


class TwinSubscription(Base):
    """An NGSI-LD subscription (clause 5.2.12) with its delivery status (5.2.15)."""

    __tablename__ = "twin_subscriptions"
    __table_args__ = (UniqueConstraint("tenant", "subscription_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64))
    subscription_id: Mapped[str] = mapped_column(String(512))
    # As the client sent it (short names), with the @context to read it: answers echo it.
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    context: Mapped[Any] = mapped_column(JSON, nullable=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    times_sent: Mapped[int] = mapped_column(default=0)
    times_failed: Mapped[int] = mapped_column(default=0)
    last_notification: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_success: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_failure: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime)
