"""What the city view reads from the twin: every located entity as one compact GeoJSON
layer, the values a change carried (for the live feed), and the sensors' recent history in
time buckets (for the replay slider). Names are the short names of the core @context."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.modules.twin import store
from cityverse.modules.twin.models import (
    DEFAULT_TENANT,
    TwinAttributeInstance,
    TwinEntity,
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
MAX_REPLAY_ROWS = 300_000  # history rows one replay reads at most (oldest dropped beyond)
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

    def index(self, moment: datetime) -> int:
        position = int((moment - self.start).total_seconds() // self.bucket_seconds)
        return min(max(position, 0), self.buckets - 1)


def window(hours: int, buckets: int) -> Window:
    end = now_utc()
    return Window(start=end - timedelta(hours=hours), end=end, buckets=buckets)


async def replay(session: AsyncSession, terms: TermMap, span: Window) -> dict[str, Any]:
    """The numeric properties of every sensor, the last value in each bucket and carried
    forward; one query over the history index."""
    sensor_iris = await terms.expand(SENSOR_TYPES)
    rows = await session.execute(
        select(TwinAttributeInstance.entity_id, TwinAttributeInstance.attr_iri,
               TwinAttributeInstance.observed_at, TwinAttributeInstance.instance)
        .join(TwinEntity, (TwinEntity.tenant == TwinAttributeInstance.tenant)
              & (TwinEntity.entity_id == TwinAttributeInstance.entity_id))
        .where(TwinAttributeInstance.tenant == DEFAULT_TENANT,
               TwinAttributeInstance.observed_at >= span.start,
               TwinAttributeInstance.observed_at <= span.end,
               TwinEntity.id.in_(select(TwinEntityType.entity_pk)
                                 .where(TwinEntityType.type_iri.in_(sensor_iris))))
        # Newest first: when a busy city exceeds the row budget, the window's oldest rows are
        # the ones left out, so the recent hours (where the slider starts) are always whole.
        .order_by(TwinAttributeInstance.observed_at.desc(), TwinAttributeInstance.id.desc())
        .limit(MAX_REPLAY_ROWS + 1)
    )
    found = rows.all()
    truncated = len(found) > MAX_REPLAY_ROWS
    series: dict[tuple[str, str], list[float | None]] = {}
    for entity_id, attr_iri, observed_at, instance in found[:MAX_REPLAY_ROWS]:
        value = plain_value(instance)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        values = series.setdefault((entity_id, attr_iri), [None] * span.buckets)
        slot = span.index(observed_at)
        if values[slot] is None:  # the first row seen is the bucket's last value
            values[slot] = value
    names = await short_names(terms, [attr for _, attr in series])
    return {
        "start": iso(span.start), "end": iso(span.end), "bucketSeconds": span.bucket_seconds,
        "buckets": span.buckets, "truncated": truncated,
        "series": [{"id": entity_id, "attr": names[attr], "values": carried_forward(values)}
                   for (entity_id, attr), values in series.items()],
    }


def carried_forward(values: list[float | None]) -> list[float | None]:
    last: float | None = None
    filled: list[float | None] = []
    for value in values:
        last = value if value is not None else last
        filled.append(last)
    return filled
