"""Files turned into NGSI-LD entities for `cityverse twin import`: GeoJSON FeatureCollections
(each feature an entity: properties → Properties, geometry → location), CityJSON buildings
(see cityjson.py) and JSON arrays of NGSI-LD entities. Conversion never writes; the service
upserts what it yields."""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cityverse.modules.twin.ngsild.entity import GEO_TYPES

MAX_IMPORT_BYTES = 50 * 1024 * 1024
_BAD_NAME_CHARS = re.compile(r"[<>\"'=;()\s]+")
_URN_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# GeoJSON is WGS84 lon/lat (RFC 7946); old files may name it in a "crs" member.
_WGS84_NAMES = ("CRS84", "EPSG::4326", "EPSG:4326", "EPSG/0/4326")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why."""


@dataclass(frozen=True)
class Candidate:
    index: int
    entity_id: str
    document: dict[str, Any] | None  # None: refused, `reason` says why
    reason: str = ""


@dataclass(frozen=True)
class Options:
    entity_type: str | None = None
    id_prefix: str = ""
    id_property: str = "id"


def read_document(path: Path, max_bytes: int | None = None) -> Any:
    """The file's JSON (gzip allowed), refusing files larger than `max_bytes` (default
    MAX_IMPORT_BYTES), packed or unpacked."""
    limit = max_bytes or MAX_IMPORT_BYTES
    if not path.is_file():
        raise ImportFileError(f"{path} is not a file")
    if path.stat().st_size > limit:
        raise ImportFileError(f"{path.name} is larger than {_size(limit)}")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unzipped:
                raw = unzipped.read(limit + 1)
        except (OSError, EOFError) as exc:
            raise ImportFileError(f"{path.name} is a broken gzip file: {exc}") from exc
        if len(raw) > limit:
            raise ImportFileError(f"{path.name} unpacks to more than {_size(limit)}")
    try:
        return json.loads(raw)
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path.name} is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                              f"column {exc.colno}") from exc


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


def file_format(document: Any) -> str:
    if isinstance(document, list):
        return "NGSI-LD"
    kind = document.get("type") if isinstance(document, dict) else None
    if kind in ("FeatureCollection", "Feature"):
        return "GeoJSON"
    if kind == "CityJSON":
        return "CityJSON"
    raise ImportFileError("the file is neither a GeoJSON FeatureCollection or Feature, a "
                          "CityJSON document nor a JSON array of NGSI-LD entities")


def candidates(document: Any, options: Options) -> list[Candidate]:
    if options.entity_type is not None and not _URN_TYPE.match(options.entity_type):
        raise ImportFileError(f"--type {options.entity_type!r} must be a name such as Building")
    kind = file_format(document)
    if kind == "CityJSON":
        from cityverse.modules.twin.cityjson import city_objects

        return list(city_objects(document, options))
    if kind == "NGSI-LD":
        return list(ngsild_entities(document))
    return list(geojson_features(document, options))


def ngsild_entities(document: list[Any]) -> Iterator[Candidate]:
    """Entities as the API takes them (core @context), e.g. the city pack's own twin file."""
    for index, entity in enumerate(document):
        if not isinstance(entity, dict):
            yield Candidate(index, "", None, "not a JSON object")
        else:
            yield Candidate(index, str(entity.get("id", "")), entity)


def entity_urn(entity_type: str, raw_id: Any, prefix: str) -> str:
    """An id that is a URN already is kept; any other becomes urn:ngsi-ld:<Type>:<prefix><id>."""
    text = str(raw_id)
    if text.startswith("urn:"):
        return text
    return f"urn:ngsi-ld:{entity_type}:{prefix}{quote(text, safe='-._~:@!$&+,;=')}"


def attribute_name(key: str) -> str:
    """A property key as an NGSI-LD attribute name (spaces and the like become _)."""
    return _BAD_NAME_CHARS.sub("_", key).strip("_") or "property"


def properties(values: dict[str, Any], skip: set[str]) -> dict[str, Any]:
    """Each non-null value a Property (objects stay values, never attribute shapes)."""
    attributes: dict[str, Any] = {}
    for key, value in values.items():
        if key in skip or value is None:
            continue
        attributes[attribute_name(str(key))] = {"type": "Property", "value": value}
    return attributes


def geojson_features(document: dict[str, Any], options: Options) -> Iterator[Candidate]:
    _check_crs(document.get("crs"))
    if document.get("type") == "Feature":
        features: Any = [document]
    else:
        features = document.get("features")
        if not isinstance(features, list):
            raise ImportFileError('the FeatureCollection has no "features" array')
    for index, feature in enumerate(features):
        yield _feature(index, feature, options)


def _check_crs(crs: Any) -> None:
    if crs is None:
        return
    name = json.dumps(crs)
    if not any(wgs84 in name for wgs84 in _WGS84_NAMES):
        raise ImportFileError(f"the GeoJSON names the coordinate reference system {name}; "
                              "only WGS84 longitude/latitude (RFC 7946) is imported")


def _feature(index: int, feature: Any, options: Options) -> Candidate:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return Candidate(index, "", None, "not a GeoJSON Feature")
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        return Candidate(index, "", None, "properties must be a JSON object")
    raw_id = feature.get("id", props.get(options.id_property))
    entity_type = options.entity_type or props.get("type")
    if raw_id is None or raw_id == "":
        return Candidate(index, "", None,
                         f"no id (neither a feature id nor a property {options.id_property!r})")
    if not isinstance(entity_type, str) or not _URN_TYPE.match(entity_type):
        return Candidate(index, str(raw_id), None,
                         "no entity type (give --type or a property 'type' such as Building)")
    entity_id = entity_urn(entity_type, raw_id, options.id_prefix)
    geometry = feature.get("geometry")
    if geometry is not None and (not isinstance(geometry, dict)
                                 or geometry.get("type") not in GEO_TYPES):
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        return Candidate(index, entity_id, None, f"geometry type {kind} is not supported")
    entity: dict[str, Any] = {"id": entity_id, "type": entity_type}
    entity.update(properties(props, {"id", "type", "location", options.id_property}))
    if geometry is not None:
        entity["location"] = {"type": "GeoProperty", "value": geometry}
    return Candidate(index, entity_id, entity)
