"""Readings of devices, as they arrive by MQTT or HTTP, checked and written in batches: each
reading becomes a Property update with observedAt on its device's entity and an instance in
the attribute history, in one transaction for the whole batch."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
# An MQTT message may carry an array of readings; as many as one HTTP ingest request.
MAX_READINGS_PER_MESSAGE = 1000
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# Members a reading may not write: they are the entity's, not a sensor's.
_RESERVED = frozenset({"id", "type", "scope", "location", "createdAt", "modifiedAt",
                       "deletedAt", "observedAt", "@context"})
_VALUE_KINDS = ("value", "object", "languageMap", "valueList", "objectList", "json", "vocab")
# Members of a history instance that each reading sets (createdAt is never kept in history).
_REWRITTEN = frozenset({*_VALUE_KINDS, "type", "observedAt", "modifiedAt", "createdAt"})


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


def from_mqtt(topic: str, payload: bytes) -> tuple[list[Reading], list[str]]:
    """`cityverse/<tenant>/devices/<device id>/attrs` with one reading `{"<name>": value,
    "observedAt": …}` or an array of up to MAX_READINGS_PER_MESSAGE of them. A message that
    is wrong as a whole raises BadReading; an array's bad elements are listed (why each was
    refused) and its good ones returned."""
    device_id, tenant = _topic_parts(topic)
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise BadReading(f"the payload is larger than {MAX_PAYLOAD_BYTES} bytes")
    try:
        document = _DECODER.decode(payload.decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadReading(f"the payload is not JSON: {exc}") from exc
    if isinstance(document, dict):
        return [_reading(device_id, tenant, document)], []
    if not isinstance(document, list):
        raise BadReading("the payload must be a JSON object or an array of objects")
    if not document:
        raise BadReading("the array holds no readings")
    if len(document) > MAX_READINGS_PER_MESSAGE:
        raise BadReading(f"a message holds at most {MAX_READINGS_PER_MESSAGE} readings")
    found: list[Reading] = []
    refused: list[str] = []
    for position, element in enumerate(document):
        try:
            if not isinstance(element, dict):
                raise BadReading("the reading is not a JSON object")
            found.append(_reading(device_id, tenant, element))
        except BadReading as exc:
            refused.append(f"reading {position}: {exc}")
    return found, refused


def _reading(device_id: str, tenant: str, document: dict[str, Any]) -> Reading:
    # The decoded object is ours alone: its observedAt is taken out, not copied around.
    observed = document.pop("observedAt", None)
    return Reading(device_id, document, _observed(observed), topic_tenant=tenant)


def _topic_parts(topic: str) -> tuple[str, str]:
    """(device id, tenant) of a device topic; remembered, as a device uses one topic."""
    known = _TOPICS.get(topic)
    if known is not None:
        return known
    parts = topic.split("/")
    if len(parts) != 5 or parts[0] != "cityverse" or parts[2] != "devices" or parts[4] != "attrs":
        raise BadReading(f"the topic {topic!r} is not cityverse/<tenant>/devices/<id>/attrs")
    tenant = "" if parts[1] == devices.DEFAULT_TOPIC_TENANT else parts[1]
    if len(_TOPICS) >= _TOPICS_KEPT:
        _TOPICS.clear()
    _TOPICS[topic] = (parts[3], tenant)
    return parts[3], tenant


_TOPICS: dict[str, tuple[str, str]] = {}
_TOPICS_KEPT = 100_000


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
    # Without a mapping the reading's own dict is used as it is: it belongs to this reading.
    named: dict[str, Any] = {} if mapping else values
    for raw_name, value in values.items():
        name = str(mapping.get(raw_name, raw_name)) if mapping else raw_name
        if name not in _WRITABLE:
            if not _NAME.match(name) or name in _RESERVED:
                raise BadReading(f"{raw_name!r} is not an attribute name a device may write")
            if len(_WRITABLE) < _WRITABLE_KEPT:
                _WRITABLE.add(name)
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            raise BadReading(f"{raw_name!r} has no value")
        if mapping:
            named[name] = value
    return named


# Names already found writable: a fleet uses a few names over and over.
_WRITABLE: set[str] = set()
_WRITABLE_KEPT = 10_000


# A reading that passed its device's checks: (its index in the batch, attribute short name
# → value, when it was observed, in UTC).
Checked = tuple[int, dict[str, Any], datetime]


async def apply(
    session: AsyncSession, terms: TermMap, readings: list[Reading],
    known: dict[str, DeviceInfo] | None = None,
) -> BatchResult:
    """Write every acceptable reading; the others are listed in `rejected` by index.

    Every reading goes into the attribute history; an entity takes, of each attribute, only
    the newest reading (by observedAt) and only if it is not older than what it holds."""
    result = BatchResult()
    if known is None:
        known = await device_infos(session, {r.device_id for r in readings})
    moment = now_utc()
    by_tenant: dict[str, dict[str, list[Checked]]] = {}  # tenant → entity id → readings
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
            named = check_values(reading.values, device.attribute_map)
        except BadReading as exc:
            result.rejected.append(Rejection(index, exc.code, str(exc)))
            continue
        observed = _utc(reading.observed_at) if reading.observed_at is not None else moment
        by_tenant.setdefault(device.tenant, {}).setdefault(device.entity_id, []).append(
            (index, named, observed))
    for tenant, by_entity in by_tenant.items():
        await _write_tenant(session, terms, tenant, by_entity, moment, result)
    return result


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


async def _write_tenant(
    session: AsyncSession, terms: TermMap, tenant: str, by_entity: dict[str, list[Checked]],
    moment: datetime, result: BatchResult,
) -> None:
    rows = await store.find_rows(session, tenant, list(by_entity))
    names = sorted({name for items in by_entity.values() for _, named, _ in items
                    for name in named})
    iris = dict(zip(names, await terms.expand(names), strict=True))
    stamp = iso(moment)
    saved: list[tuple[TwinEntity, StoredEntity]] = []
    appended: list[history.SerialisedRow] = []
    for entity_id, items in by_entity.items():
        row = rows.get(entity_id)
        if row is None:
            result.rejected.extend(Rejection(index, "twin_no_entity",
                                             f"the entity {entity_id} does not exist")
                                   for index, _, _ in items)
            continue
        entity = store.to_entity(row)
        if _merge(entity, items, iris, moment, stamp, appended):
            entity.modified_at = moment
            saved.append((row, entity))
        result.accepted += len(items)
        result.entities += 1
    await store.save_many(session, tenant, saved, record=False)
    await history.append_serialised(session, tenant, appended, moment)


_HISTORY_HEAD = '{"type": "Property", "value": '


class _Series:
    """One attribute of one entity within a batch: the JSON every history row of it shares,
    and the newest reading seen."""

    __slots__ = ("current", "current_at", "newest", "newest_at", "tail")

    def __init__(self, current: list[dict[str, Any]], stamp: str) -> None:
        self.current = next((i for i in current if "datasetId" not in i), None)
        kept = {k: v for k, v in (self.current or {}).items() if k not in _REWRITTEN}
        # Sub-attributes and unitCode stay from the instance before; the rest is per reading.
        self.tail = f', "modifiedAt": "{stamp}"' + (f", {json.dumps(kept)[1:-1]}" if kept
                                                     else "") + "}"
        observed = (self.current or {}).get("observedAt")
        self.current_at = _stored_time(observed)
        self.newest: Any = None
        self.newest_at: datetime | None = None


def _merge(
    entity: StoredEntity, items: list[Checked], iris: dict[str, str], moment: datetime,
    stamp: str, appended: list[history.SerialisedRow],
) -> bool:
    """Add the entity's readings to `appended` (history rows); give the entity the newest
    value of each attribute. True when the entity changed."""
    series: dict[str, _Series] = {}
    instant: dict[datetime, str] = {moment: stamp}  # readings often share their time
    for _, named, observed in items:
        observed_text = instant.get(observed)
        if observed_text is None:
            observed_text = instant[observed] = iso(observed)
        for name, value in named.items():
            one = series.get(name)
            if one is None:
                one = series[name] = _Series(entity.attrs.get(iris[name], []), stamp)
            appended.append((
                entity.id, iris[name], observed,
                f'{_HISTORY_HEAD}{_json(value)}, "observedAt": "{observed_text}"{one.tail}'))
            if one.newest_at is None or observed >= one.newest_at:
                one.newest, one.newest_at = value, observed
    changed = False
    for name, one in series.items():
        assert one.newest_at is not None
        if one.current_at is not None and one.newest_at < one.current_at:
            continue  # the entity already holds a later observation
        instance = {k: v for k, v in (one.current or {}).items() if k not in _VALUE_KINDS}
        instance.update(type="Property", value=one.newest, observedAt=iso(one.newest_at),
                        modifiedAt=stamp)
        instance.setdefault("createdAt", stamp)
        iri = iris[name]
        entity.attrs[iri] = [instance] + [
            other for other in entity.attrs.get(iri, []) if "datasetId" in other]
        changed = True
    return changed


def _json(value: Any) -> str:
    """A reading's value as JSON; numbers (nearly all readings) without the encoder's setup.
    json writes a float as repr() does, and check_values refused NaN and infinities."""
    kind = value.__class__
    if kind is float or kind is int:
        return repr(value)
    return json.dumps(value)


def _stored_time(observed: Any) -> datetime | None:
    """The observedAt an entity holds; one it cannot read does not stop newer readings."""
    if not isinstance(observed, str):
        return None
    try:
        return parse_datetime(observed, "observedAt")
    except NgsiLdError:
        return None
