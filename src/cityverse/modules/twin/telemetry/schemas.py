"""Request and response bodies of the device registry and the telemetry ingest."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DEVICE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$"
TENANT_PATTERN = r"^[A-Za-z0-9_\-]{0,64}$"
ENTITY_TYPE_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
ATTRIBUTE_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"


class DeviceIn(BaseModel):
    device_id: str = Field(pattern=DEVICE_ID_PATTERN, examples=["ks-aq-001"],
                           description="MQTT user name and topic segment of the device.")
    entity_id: str = Field(min_length=3, max_length=512, pattern=r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$",
                           examples=["urn:ngsi-ld:AirQualityObserved:ks-aq-001"])
    tenant: str = Field("", pattern=TENANT_PATTERN, description="NGSI-LD tenant; empty: default.")
    attribute_map: dict[str, str] = Field(
        default_factory=dict, max_length=64, examples=[{"pm2_5": "pm25"}],
        description="Payload name → attribute short name, where the firmware's names differ.",
    )


class DeviceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    device_id: str
    entity_id: str
    tenant: str
    attribute_map: dict[str, str]
    enabled: bool
    simulated: bool
    created_at: datetime
    key_rotated_at: datetime
    last_seen_at: datetime | None = Field(
        None, description="When a reading of the device was last accepted since the server "
        "started (MQTT or HTTP); null if none was.")


class DeviceKeyOut(BaseModel):
    """A device with its new key: shown this once, stored only as a hash."""

    device: DeviceOut
    key: str
    mqtt_topic: str = Field(examples=["cityverse/default/devices/ks-aq-001/attrs"])


class DeviceStateIn(BaseModel):
    enabled: bool


class ReadingIn(BaseModel):
    device_id: str | None = Field(
        None, pattern=DEVICE_ID_PATTERN,
        description="Needed when an officer posts; a device posting with its key may omit it.",
    )
    attrs: dict[str, Any] = Field(
        min_length=1, max_length=64, examples=[{"pm25": 38.5, "temperature": 21.4}],
        description="Attribute short name → value (core @context vocabulary).",
    )
    observed_at: datetime | None = Field(None, description="When the device measured; default now.")


class IngestIn(BaseModel):
    readings: list[ReadingIn] = Field(min_length=1, max_length=1000)


class IngestOut(BaseModel):
    accepted: int
    entities: int


class IngestStatusOut(BaseModel):
    broker: Literal["embedded", "external", "off"]
    broker_address: str
    connected: bool
    accepted: int
    rejected: int
    batches: int
    queued: int
    last_error: str | None
    last_error_at: datetime | None
    last_batch_at: datetime | None
