"""What the city view reads from the twin: every located entity as one compact GeoJSON
layer, the values a change carried (for the live feed), and the sensors' recent history in
time buckets (for the replay slider). Names are the short names of the core @context."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, cast, column, func, select, true, values
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.db import UtcDateTime
from cityverse.modules.twin import store
from cityverse.modules.twin.models import (
    DEFAULT_TENANT,
    TwinAttributeInstance,
    TwinEntity,
    TwinEntityAttribute,
    TwinEntityType,
)
from cityverse.modules.twin.ngsild.entity import (
    GEO_PROPERTY,
    PROPERTY,
    StoredEntity,
    geometry_of,
    iso,
    now_utc,
)
from cityverse.modules.twin.ngsild.terms import TermMap, TermMaps

# The entity types the page draws as sensors; their numeric properties are coloured and replayed.
SENSOR_TYPES = (
    "AirQualityObserved", "WaterObserved", "FloodMonitoring", "TrafficFlowObserved",
    "CrowdFlowObserved",
)
KINDS = {"Building": "building", "Road": "road", "WaterBody": "water",
         **{name: "sensor" for name in SENSOR_TYPES}}
LABEL_ATTRS = ("name", "address")
MAX_LAYER_FEATURES = 50_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_TEXT_VALUE = 80  # longer strings are descriptions, not values worth drawing


def core_terms(terms: TermMaps) -> TermMap:
    return terms.for_context(None)


async def short_names(terms: TermMap, iris: list[str]) -> dict[str, str]:
    unique = list(dict.fromkeys(iris))
    return dict(zip(unique, await terms.compact(unique), strict=True))


def plain_value(instance: dict[str, Any]) -> Any:
    """The value a viewer shows: numbers, flags and short texts of Properties."""
    if instance.get("type") != PROPERTY:
        return None
    value = instance.get("value")
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and len(value) <= MAX_TEXT_VALUE:
        return value
    return None


def label_text(instance: dict[str, Any] | None) -> str | None:
    """name and address as one line of text, whether a string, a language map or an object."""
    if instance is None:
        return None
    raw = instance.get("languageMap") if "languageMap" in instance else instance.get("value")
    if isinstance(raw, str):
        return raw
    if isinstance(raw, dict):
        if "zh" in raw or "en" in raw:  # a language map: the city's own language first
            return str(raw.get("zh") or raw.get("en"))
        parts = [str(raw[key]) for key in ("addressLocality", "streetAddress") if raw.get(key)]
        return "".join(parts) or None
    return None


def latest_observed(instances: list[dict[str, Any]]) -> str | None:
    moments = [str(i["observedAt"]) for i in instances if i.get("observedAt")]
    return max(moments) if moments else None


# The layer -----------------------------------------------------------------------------


@dataclass
class Layer:
    etag: str
    body: bytes
    key: tuple[int, str]


class LayerCache:
    """The layer is rebuilt only when an entity changed: a count and the latest modification
    time (one indexed aggregate) tell whether the cached body is still current."""

    def __init__(self) -> None:
        self._layer: Layer | None = None

    async def current(self, session: AsyncSession, terms: TermMap) -> Layer:
        row = (await session.execute(
            select(func.count(), func.max(TwinEntity.modified_at))
            .where(TwinEntity.tenant == DEFAULT_TENANT)
        )).one()
        key = (int(row[0]), iso(row[1]) if row[1] is not None else "")
        if self._layer is not None and self._layer.key == key:
            return self._layer
        document = await build_layer(session, terms)
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        self._layer = Layer(etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"', body=body,
                            key=key)
        return self._layer


async def build_layer(session: AsyncSession, terms: TermMap) -> dict[str, Any]:
    entities, total = await store.query(
        session, store.Candidates(tenant=DEFAULT_TENANT), offset=0, limit=MAX_LAYER_FEATURES)
    iris = [iri for e in entities for iri in [*e.types, *e.attrs]]
    names = await short_names(terms, iris)
    features = [f for e in entities if (f := feature(e, names)) is not None]
    return {"type": "FeatureCollection", "features": features,
            "truncated": total > len(entities)}


def feature(entity: StoredEntity, names: dict[str, str]) -> dict[str, Any] | None:
    geometry = geometry_of(entity, store.LOCATION)
    if geometry is None:
        return None
    type_name = names[entity.types[0]] if entity.types else ""
    by_name = {names[iri]: instances for iri, instances in entity.attrs.items() if instances}
    values = {
        name: value for name, instances in by_name.items()
        if name not in LABEL_ATTRS and (value := plain_value(instances[0])) is not None
    }
    properties: dict[str, Any] = {
        "id": entity.id, "type": type_name, "kind": KINDS.get(type_name, "other"),
        "values": values,
        "observedAt": latest_observed([i for v in by_name.values() for i in v]),
    }
    for name in LABEL_ATTRS:
        text = label_text(by_name[name][0]) if name in by_name else None
        if text:
            properties[name] = text
    return {"type": "Feature", "id": entity.id, "geometry": geometry, "properties": properties}


# Live updates --------------------------------------------------------------------------


async def update_of(
    entity: StoredEntity, touched: frozenset[str], terms: TermMap
) -> dict[str, Any]:
    """A changed entity as the viewers need it: id, type, the touched values, observedAt."""
    wanted = [iri for iri in touched if entity.attrs.get(iri)]
    names = await short_names(terms, [*entity.types[:1], *wanted])
    values: dict[str, Any] = {}
    observed: list[dict[str, Any]] = []
    for iri in wanted:
        first = entity.attrs[iri][0]
        if first.get("type") == GEO_PROPERTY:
            continue
        observed.extend(entity.attrs[iri])
        value = plain_value(first)
        if value is not None:
            values[names[iri]] = value
    return {"id": entity.id, "type": names[entity.types[0]] if entity.types else "",
            "values": values, "observedAt": latest_observed(observed)}


# Replay --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    buckets: int

    @property
    def bucket_seconds(self) -> float:
        return (self.end - self.start).total_seconds() / self.buckets


def window(hours: int, buckets: int) -> Window:
    end = now_utc()
    return Window(start=end - timedelta(hours=hours), end=end, buckets=buckets)


async def replay(session: AsyncSession, terms: TermMap, span: Window) -> dict[str, Any]:
    """The numeric properties a sensor has, the last value in each bucket and carried
    forward. For every series and bucket the database seeks the bucket's last row on the
    series index, so the work follows series × buckets, not how often the sensors report."""
    sensor_iris = await terms.expand(SENSOR_TYPES)
    dialect = session.get_bind().dialect.name
    history = TwinAttributeInstance
    value, is_number = _numeric_value(dialect)
    # The sensors' series first (joining history rows to entities and filtering by type made
    # SQLite probe every sensor per row).
    series = (
        select(TwinEntity.entity_id, TwinEntityAttribute.attr_iri)
        .join(TwinEntityType, TwinEntityType.entity_pk == TwinEntity.id)
        .join(TwinEntityAttribute, TwinEntityAttribute.entity_pk == TwinEntity.id)
        .where(TwinEntity.tenant == DEFAULT_TENANT, TwinEntityType.tenant == DEFAULT_TENANT,
               TwinEntityType.type_iri.in_(sensor_iris))
        .distinct().subquery("series"))
    edges = values(column("slot", Integer), column("lo", UtcDateTime),
                   column("hi", UtcDateTime), name="edges").data(bucket_edges(span)).cte("edges")
    last_in_bucket = (
        select(value)
        .where(history.tenant == DEFAULT_TENANT, history.entity_id == series.c.entity_id,
               history.attr_iri == series.c.attr_iri, history.observed_at >= edges.c.lo,
               history.observed_at < edges.c.hi, is_number)
        .order_by(history.observed_at.desc(), history.id.desc())
        .limit(1).scalar_subquery())
    picked = select(series.c.entity_id, series.c.attr_iri, edges.c.slot,
                    last_in_bucket.label("value")).select_from(series).join(edges, true()
                                                                            ).subquery()
    rows = await session.execute(
        select(picked.c.entity_id, picked.c.attr_iri, picked.c.slot, picked.c.value)
        .where(picked.c.value.is_not(None))
        .order_by(picked.c.entity_id, picked.c.attr_iri, picked.c.slot))
    found: dict[tuple[str, str], list[float | None]] = {}
    for entity_id, attr_iri, slot, number in rows:
        found.setdefault((entity_id, attr_iri), [None] * span.buckets)[slot] = float(number)
    names = await short_names(terms, [attr for _, attr in found])
    return {
        "start": iso(span.start), "end": iso(span.end), "bucketSeconds": span.bucket_seconds,
        "buckets": span.buckets,
        "series": [{"id": entity_id, "attr": names[attr], "values": carried_forward(values)}
                   for (entity_id, attr), values in found.items()],
    }


def _numeric_value(dialect: str) -> tuple[ColumnElement[Any], ColumnElement[bool]]:
    """The instance's value as a number, and the test that it is a Property holding a JSON
    number (not a flag, a text or an object), in each database's JSON functions."""
    instance = TwinAttributeInstance.instance
    if dialect == "postgresql":
        return (cast(instance.op("->>")("value"), Float),
                (instance.op("->>")("type") == PROPERTY)
                & (func.json_typeof(instance.op("->")("value")) == "number"))
    return (func.json_extract(instance, "$.value"),
            (func.json_extract(instance, "$.type") == PROPERTY)
            & func.json_type(instance, "$.value").in_(("integer", "real")))


def bucket_edges(span: Window) -> list[tuple[int, datetime, datetime]]:
    """(slot, first instant, end) of each bucket in whole microseconds: slot k holds the rows
    with k ≤ offset × buckets ÷ window < k + 1, and the window's last instant belongs to the
    last bucket."""
    total_us = _epoch_us(span.end) - _epoch_us(span.start)
    starts = [span.start + timedelta(microseconds=-(-k * total_us // span.buckets))
              for k in range(span.buckets)]
    ends = [*starts[1:], span.end + timedelta(microseconds=1)]
    return list(zip(range(span.buckets), starts, ends, strict=True))


def _epoch_us(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def carried_forward(values: list[float | None]) -> list[float | None]:
    last: float | None = None
    filled: list[float | None] = []
    for value in values:
        last = value if value is not None else last
        filled.append(last)
    return filled
