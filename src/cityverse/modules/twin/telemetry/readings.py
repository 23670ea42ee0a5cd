"""Readings of devices, as they arrive by MQTT or HTTP, checked and written in batches: each
reading becomes a Property update with observedAt on its device's entity and an instance in
the attribute history, in one transaction for the whole batch."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.modules.twin import history, store
from cityverse.modules.twin.models import TwinEntity
from cityverse.modules.twin.ngsild.entity import (
    StoredEntity,
    iso,
    now_utc,
    parse_datetime,
)
from cityverse.modules.twin.ngsild.errors import NgsiLdError
from cityverse.modules.twin.ngsild.terms import TermMap
from cityverse.modules.twin.telemetry import devices
from cityverse.modules.twin.telemetry.models import TwinDevice

MAX_PAYLOAD_BYTES = 65_536
MAX_VALUES = 64
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# Members a reading may not write: they are the entity's, not a sensor's.
_RESERVED = frozenset({"id", "type", "scope", "location", "createdAt", "modifiedAt",
                       "deletedAt", "observedAt", "@context"})
_VALUE_KINDS = ("value", "object", "languageMap", "valueList", "objectList", "json", "vocab")


class BadReading(ValueError):
    """A reading refused as a whole; `code` names the field error of the HTTP ingest."""

    def __init__(self, detail: str, code: str = "twin_bad_reading") -> None:
        super().__init__(detail)
        self.code = code


@dataclass
class Reading:
    device_id: str
    values: dict[str, Any]
    observed_at: datetime | None = None
    # The tenant segment of the MQTT topic; None when the caller was authenticated otherwise.
    topic_tenant: str | None = None


@dataclass
class Rejection:
    index: int
    code: str
    detail: str


@dataclass
class BatchResult:
    accepted: int = 0
    entities: int = 0
    rejected: list[Rejection] = field(default_factory=list)


@dataclass(frozen=True)
class DeviceInfo:
    """What ingest needs of a device; the pipeline keeps these for a moment between batches."""

    device_id: str
    tenant: str
    entity_id: str
    attribute_map: dict[str, Any]
    enabled: bool

    @classmethod
    def of(cls, row: TwinDevice) -> DeviceInfo:
        return cls(row.device_id, row.tenant, row.entity_id, dict(row.attribute_map or {}),
                   row.enabled)


async def device_infos(session: AsyncSession, device_ids: set[str]) -> dict[str, DeviceInfo]:
    rows = await devices.by_ids(session, device_ids)
    return {device_id: DeviceInfo.of(row) for device_id, row in rows.items()}


def _refuse_constant(name: str) -> Any:
    raise BadReading(f"{name} is not a JSON number")


# One decoder for every payload: json.loads with a hook would build a new one per call.
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def from_mqtt(topic: str, payload: bytes) -> Reading:
    """`cityverse/<tenant>/devices/<device id>/attrs` with `{"<name>": value, "observedAt": …}`."""
    parts = topic.split("/")
    if len(parts) != 5 or parts[0] != "cityverse" or parts[2] != "devices" or parts[4] != "attrs":
        raise BadReading(f"the topic {topic!r} is not cityverse/<tenant>/devices/<id>/attrs")
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise BadReading(f"the payload is larger than {MAX_PAYLOAD_BYTES} bytes")
    try:
        document = _DECODER.decode(payload.decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadReading(f"the payload is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise BadReading("the payload must be a JSON object")
    observed = document.pop("observedAt", None)
    tenant = "" if parts[1] == devices.DEFAULT_TOPIC_TENANT else parts[1]
    return Reading(parts[3], document, _observed(observed), topic_tenant=tenant)


def _observed(raw: Any) -> datetime | None:
    if raw is None:
        return None
    try:
        return parse_datetime(raw, "observedAt")
    except NgsiLdError as exc:
        raise BadReading(str(exc)) from exc


def check_values(values: dict[str, Any], mapping: dict[str, Any]) -> dict[str, Any]:
    """Attribute short name → value, after the device's name mapping."""
    if not values:
        raise BadReading("the reading has no values")
    if len(values) > MAX_VALUES:
        raise BadReading(f"a reading holds at most {MAX_VALUES} values")
    named: dict[str, Any] = {}
    for raw_name, value in values.items():
        name = str(mapping.get(raw_name, raw_name))
        if not _NAME.match(name) or name in _RESERVED:
            raise BadReading(f"{raw_name!r} is not an attribute name a device may write")
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            raise BadReading(f"{raw_name!r} has no value")
        named[name] = value
    return named


async def apply(
    session: AsyncSession, terms: TermMap, readings: list[Reading],
    known: dict[str, DeviceInfo] | None = None,
) -> BatchResult:
    """Write every acceptable reading; the others are listed in `rejected` by index."""
    result = BatchResult()
    if known is None:
        known = await device_infos(session, {r.device_id for r in readings})
    moment = now_utc()
    # tenant → [(index, device, named values, observedAt)]
    by_tenant: dict[str, list[tuple[int, DeviceInfo, dict[str, Any], str]]] = {}
    for index, reading in enumerate(readings):
        device = known.get(reading.device_id)
        if device is None or not device.enabled:
            result.rejected.append(Rejection(index, "twin_unknown_device",
                                             f"unknown or disabled device {reading.device_id}"))
            continue
        if reading.topic_tenant is not None and reading.topic_tenant != device.tenant:
            result.rejected.append(Rejection(index, "twin_foreign_device",
                                             "the topic's tenant is not the device's"))
            continue
        try:
            named = check_values(reading.values, device.attribute_map or {})
        except BadReading as exc:
            result.rejected.append(Rejection(index, exc.code, str(exc)))
            continue
        observed = iso(reading.observed_at or moment)
        by_tenant.setdefault(device.tenant, []).append((index, device, named, observed))
    for tenant, items in by_tenant.items():
        await _write_tenant(session, terms, tenant, items, moment, result)
    return result


async def _write_tenant(
    session: AsyncSession, terms: TermMap, tenant: str,
    items: list[tuple[int, DeviceInfo, dict[str, Any], str]], moment: datetime,
    result: BatchResult,
) -> None:
    rows = await store.find_rows(session, tenant, [device.entity_id for _, device, _, _ in items])
    names = sorted({name for _, _, named, _ in items for name in named})
    iris = dict(zip(names, await terms.expand(names), strict=True))
    stamp = iso(moment)
    entities: dict[str, tuple[TwinEntity, StoredEntity]] = {}
    instances: list[tuple[str, str, dict[str, Any]]] = []
    for index, device, named, observed in items:
        row = rows.get(device.entity_id)
        if row is None:
            result.rejected.append(Rejection(index, "twin_no_entity",
                                             f"the entity {device.entity_id} does not exist"))
            continue
        if device.entity_id not in entities:
            entities[device.entity_id] = (row, store.to_entity(row))
        entity = entities[device.entity_id][1]
        for name, value in named.items():
            instance = _updated(entity.attrs.get(iris[name], []), value, observed, stamp)
            entity.attrs[iris[name]] = [instance] + [
                other for other in entity.attrs.get(iris[name], []) if "datasetId" in other]
            instances.append((entity.id, iris[name], instance))
        result.accepted += 1
    for _, entity in entities.values():
        entity.attrs = dict(entity.attrs)
        entity.modified_at = moment
    await store.save_many(session, tenant, list(entities.values()), record=False)
    await history.record_each(session, tenant, instances, moment)
    result.entities += len(entities)


def _updated(current: list[dict[str, Any]], value: Any, observed: str, stamp: str
             ) -> dict[str, Any]:
    """The default instance with the new value; its unitCode and sub-attributes stay."""
    previous = next((i for i in current if "datasetId" not in i), None)
    instance = {k: v for k, v in (previous or {}).items() if k not in _VALUE_KINDS}
    instance.update(type="Property", value=value, observedAt=observed, modifiedAt=stamp)
    instance.setdefault("createdAt", stamp)
    return instance
