"""Devices that feed the twin: each writes the attributes of one entity, authenticated by a
key of its own that the platform keeps only as a hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.db import Base, UtcDateTime


class TwinDevice(Base):
    __tablename__ = "twin_devices"
    # A device id is the MQTT user name, so it is unique across tenants.
    __table_args__ = (UniqueConstraint("device_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[str] = mapped_column(String(128))
    tenant: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(512))
    # Payload name → attribute short name, for devices whose firmware names differ.
    attribute_map: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # PBKDF2-SHA512 in the `$7$` form of Mosquitto's password files.
    key_hash: Mapped[str] = mapped_column(String(160))
    enabled: Mapped[bool] = mapped_column(default=True)
    # Devices the simulator made; it may rotate their keys at start to learn them.
    simulated: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    key_rotated_at: Mapped[datetime] = mapped_column(UtcDateTime)
