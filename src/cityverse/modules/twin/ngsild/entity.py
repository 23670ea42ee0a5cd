"""The NGSI-LD information model in the broker: validation of entities and attributes as
clients send them (normalized or concise, clause 4.5), and their rendering as normalized,
concise or keyValues (simplified) answers.

Inside the broker an entity is `StoredEntity`: its id, its types and attribute names fully
qualified, and each attribute as a list of instances (one per datasetId, clause 4.5.5) in
normalized form with short core member names.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shapely.errors import GEOSException
from shapely.geometry import shape

from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError
from cityverse.modules.twin.ngsild.terms import ATTRIBUTE_MEMBERS, ENTITY_MEMBERS, TermMap

Instance = dict[str, Any]
Attributes = dict[str, list[Instance]]

PROPERTY = "Property"
RELATIONSHIP = "Relationship"
GEO_PROPERTY = "GeoProperty"
# The attribute type each concise form implies (clause 4.5.1 and Annex C).
_KEY_TYPES = {
    "value": PROPERTY, "object": RELATIONSHIP, "languageMap": "LanguageProperty",
    "valueList": "ListProperty", "objectList": "ListRelationship", "json": "JsonProperty",
    "vocab": "VocabProperty",
}
_VALUE_KEY = {kind: key for key, kind in _KEY_TYPES.items()}
_VALUE_KEY[GEO_PROPERTY] = "value"
ATTRIBUTE_TYPES = frozenset(_VALUE_KEY)
GEO_TYPES = frozenset({
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
})
GEO_ATTRIBUTES = frozenset({"location", "observationSpace", "operationSpace"})
# RFC 3986 scheme followed by ":"; NGSI-LD ids are URIs (clause 4.5.2).
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
_FORBIDDEN_NAME = re.compile(r"[<>\"'=;()\s]")
MAX_SUB_ATTRIBUTE_DEPTH = 4


@dataclass
class StoredEntity:
    id: str
    types: list[str]
    attrs: Attributes = field(default_factory=dict)
    scopes: list[str] = field(default_factory=list)
    created_at: datetime | None = None
    modified_at: datetime | None = None


def bad(detail: str) -> NgsiLdError:
    return NgsiLdError(ErrorKind.BadRequestData, detail)


def check_uri(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _URI.match(value):
        raise bad(f"{what} must be a URI, not {value!r}")
    return value


def check_name(name: str) -> None:
    if not name or _FORBIDDEN_NAME.search(name):
        raise bad(f"{name!r} is not a valid attribute name")


def now_utc() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_datetime(value: Any, what: str) -> datetime:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
    raise bad(f"{what} must be a date-time with a time zone (ISO 8601), not {value!r}")


def check_geometry(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict) or value.get("type") not in GEO_TYPES:
        raise bad(f"{what} must be a GeoJSON geometry (Point, Polygon, …)")
    try:
        geometry = shape(value)
    except (GEOSException, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise bad(f"{what} is not a valid GeoJSON geometry: {exc}") from exc
    if geometry.is_empty:
        raise bad(f"{what} is an empty geometry")
    min_x, min_y, max_x, max_y = geometry.bounds
    if not all(math.isfinite(v) for v in geometry.bounds):
        raise bad(f"{what} has coordinates that are not numbers")
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        raise bad(f"{what} has coordinates outside longitude −180…180 / latitude −90…90")
    return value


async def normalize_entity(
    document: Any, terms: TermMap, *, need_id: bool = True, need_type: bool = True
) -> StoredEntity:
    """A request's entity in stored form; every shape error is BadRequestData."""
    if not isinstance(document, dict):
        raise bad("an entity must be a JSON object")
    entity_id = document.get("id", document.get("@id"))
    if entity_id is None and need_id:
        raise bad("the entity has no id")
    raw_type = document.get("type", document.get("@type"))
    if raw_type is None and need_type:
        raise bad("the entity has no type")
    types = await _entity_types(raw_type, terms) if raw_type is not None else []
    scopes = _scopes(document.get("scope"))
    attrs = await normalize_attributes(
        {k: v for k, v in document.items() if k not in ENTITY_MEMBERS | {"@id", "@type"}},
        terms,
    )
    return StoredEntity(
        id=check_uri(entity_id, "the entity id") if entity_id is not None else "",
        types=types, attrs=attrs, scopes=scopes,
    )


async def _entity_types(raw: Any, terms: TermMap) -> list[str]:
    names = raw if isinstance(raw, list) else [raw]
    if not names or not all(isinstance(name, str) and name for name in names):
        raise bad("the entity type must be a name or a list of names")
    for name in names:
        check_name(name)
    return list(dict.fromkeys(await terms.expand(names)))


def _scopes(raw: Any) -> list[str]:
    if raw is None:
        return []
    scopes = raw if isinstance(raw, list) else [raw]
    pattern = re.compile(r"^/[^\s/]+(/[^\s/]+)*$")
    for scope in scopes:
        if not isinstance(scope, str) or not pattern.match(scope):
            raise bad(f"a scope must look like /Madrid/Gardens, not {scope!r}")
    return list(dict.fromkeys(scopes))


async def normalize_attributes(
    members: dict[str, Any], terms: TermMap, depth: int = 0
) -> Attributes:
    """Attribute name → instances; names are expanded, values checked per attribute type."""
    for name in members:
        check_name(name)
    iris = await terms.expand(list(members))
    result: Attributes = {}
    for (name, raw), iri in zip(members.items(), iris, strict=True):
        items = raw if isinstance(raw, list) and _is_multi_attribute(raw) else [raw]
        instances = [await _instance(name, item, terms, depth) for item in items]
        dataset_ids = [instance.get("datasetId") for instance in instances]
        if len(set(dataset_ids)) != len(dataset_ids):
            raise bad(f"the attribute {name!r} has two instances with the same datasetId")
        result[iri] = instances
    return result


def _is_multi_attribute(raw: list[Any]) -> bool:
    # A list of attribute objects is a multi-attribute; any other list is a concise value.
    return bool(raw) and all(
        isinstance(item, dict) and ("type" in item or any(k in item for k in _KEY_TYPES))
        and item.get("type") not in GEO_TYPES
        for item in raw
    )


async def _instance(name: str, raw: Any, terms: TermMap, depth: int) -> Instance:
    if depth > MAX_SUB_ATTRIBUTE_DEPTH:
        raise bad(f"sub-attributes are nested deeper than {MAX_SUB_ATTRIBUTE_DEPTH} levels")
    if raw is None:
        raise bad(f"the attribute {name!r} has a null value")
    if not isinstance(raw, dict) or (raw.get("type") in GEO_TYPES and "coordinates" in raw):
        if name in GEO_ATTRIBUTES or (isinstance(raw, dict) and raw.get("type") in GEO_TYPES):
            return {"type": GEO_PROPERTY, "value": check_geometry(raw, name)}
        return {"type": PROPERTY, "value": raw}
    kind = raw.get("type") or _implied_type(raw, name)
    if kind not in ATTRIBUTE_TYPES:
        raise bad(f"the attribute {name!r} has an unknown type {kind!r}")
    instance: Instance = {"type": kind}
    value_key = _VALUE_KEY[kind]
    if value_key not in raw:
        raise bad(f"the {kind} {name!r} needs a {value_key!r} member")
    instance[value_key] = _check_value(kind, name, raw[value_key])
    for member in ("observedAt", "unitCode", "datasetId", "objectType"):
        if member in raw:
            instance[member] = _check_member(member, raw[member], name)
    subs = {k: v for k, v in raw.items() if k not in ATTRIBUTE_MEMBERS}
    if subs:
        nested = await normalize_attributes(subs, terms, depth + 1)
        instance.update({iri: items[0] for iri, items in nested.items()})
    return instance


def _implied_type(raw: dict[str, Any], name: str) -> str:
    for key, kind in _KEY_TYPES.items():
        if key in raw:
            return kind
    if name in GEO_ATTRIBUTES:
        return GEO_PROPERTY
    raise bad(f"the attribute {name!r} has no type and no value, object or other value member")


def _check_value(kind: str, name: str, value: Any) -> Any:
    if value is None:
        raise bad(f"the attribute {name!r} has a null value")
    if kind == GEO_PROPERTY:
        return check_geometry(value, name)
    if kind == RELATIONSHIP:
        objects = value if isinstance(value, list) else [value]
        for target in objects:
            check_uri(target, f"the object of {name!r}")
    if kind == "LanguageProperty" and (
        not isinstance(value, dict) or not all(isinstance(v, str | list) for v in value.values())
    ):
        raise bad(f"the languageMap of {name!r} must map language tags to strings")
    if kind in ("ListProperty", "ListRelationship") and not isinstance(value, list):
        raise bad(f"the list of {name!r} must be a JSON array")
    return value


def _check_member(member: str, value: Any, name: str) -> Any:
    if member == "observedAt":
        return iso(parse_datetime(value, f"observedAt of {name!r}"))
    if member == "datasetId":
        return check_uri(value, f"the datasetId of {name!r}")
    if not isinstance(value, str) or not value:
        raise bad(f"{member} of {name!r} must be a non-empty string")
    return value


def stamp(attrs: Attributes, moment: datetime, previous: Attributes | None = None) -> None:
    """Set createdAt/modifiedAt on every instance; createdAt survives an update."""
    text = iso(moment)
    for iri, instances in attrs.items():
        before = {i.get("datasetId"): i for i in (previous or {}).get(iri, [])}
        for instance in instances:
            old = before.get(instance.get("datasetId"))
            instance["createdAt"] = old["createdAt"] if old and "createdAt" in old else text
            instance["modifiedAt"] = text


def geometry_of(entity: StoredEntity, iri: str) -> dict[str, Any] | None:
    instances = entity.attrs.get(iri)
    if not instances or instances[0].get("type") != GEO_PROPERTY:
        return None
    value: dict[str, Any] = instances[0]["value"]
    return value
