"""CityJSON (1.1, also 1.0 and 2.0) buildings as NGSI-LD `Building` entities.

Each Building or BuildingPart becomes an entity: its footprint (the GroundSurface when the
geometry has semantics, otherwise the lowest horizontal surface) is `location`, its height the
`measuredHeight` attribute or the z range of its vertices, `storeysAboveGround` becomes
`floorsAboveGround` and the other attributes are Properties. Vertices must be WGS84 lon/lat
(EPSG:4326 or EPSG:4979, or no reference system with coordinates that can only be lon/lat):
the twin stores WGS84 and this module does not reproject.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from shapely.geometry import MultiPoint, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from cityverse.modules.twin.imports import (
    Candidate,
    ImportFileError,
    Options,
    entity_urn,
    properties,
)

BUILDING_TYPES = ("Building", "BuildingPart")
_WGS84_CODES = {"4326", "4979", "CRS84"}
_CRS_CODE = re.compile(r"(?:EPSG(?:/\d+/|::|:)|OGC/[\d.]+/)([A-Za-z0-9]+)\s*$")
Vertex = tuple[float, float, float]
Ring = list[int]
Surface = list[Ring]


def city_objects(document: dict[str, Any], options: Options) -> Iterator[Candidate]:
    objects = document.get("CityObjects")
    if not isinstance(objects, dict):
        raise ImportFileError('the CityJSON document has no "CityObjects" object')
    vertices = _vertices(document)
    entity_type = options.entity_type or "Building"
    for index, (key, city_object) in enumerate(objects.items()):
        entity_id = entity_urn(entity_type, key, options.id_prefix)
        try:
            yield _candidate(index, key, city_object, objects, vertices, entity_type, options)
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            yield Candidate(index, entity_id, None, f"malformed CityObject: {exc}")


def _vertices(document: dict[str, Any]) -> list[Vertex]:
    raw = document.get("vertices")
    if not isinstance(raw, list):
        raise ImportFileError('the CityJSON document has no "vertices" array')
    scale, translate = [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]
    transform = document.get("transform")
    try:
        if isinstance(transform, dict):
            scale = [float(v) for v in transform.get("scale", scale)][:3]
            translate = [float(v) for v in transform.get("translate", translate)][:3]
        vertices = [(v[0] * scale[0] + translate[0], v[1] * scale[1] + translate[1],
                     (v[2] if len(v) > 2 else 0) * scale[2] + translate[2]) for v in raw]
    except (TypeError, IndexError, ValueError) as exc:
        raise ImportFileError("the CityJSON transform and vertices must be arrays of three "
                              "numbers") from exc
    _check_reference_system(document, vertices)
    return vertices


def _check_reference_system(document: dict[str, Any], vertices: list[Vertex]) -> None:
    metadata = document.get("metadata")
    system = metadata.get("referenceSystem") if isinstance(metadata, dict) else None
    if system is not None:
        found = _CRS_CODE.search(str(system))
        if found is None or found.group(1) not in _WGS84_CODES:
            raise ImportFileError(
                f"the CityJSON reference system is {system}; only WGS84 longitude/latitude "
                "(EPSG:4326 or EPSG:4979) is imported: reproject the file first "
                "(for example `cjio in.city.json crs_reproject 4326 save out.city.json`)")
        return
    if not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y, _ in vertices):
        raise ImportFileError("the CityJSON names no reference system and its coordinates are "
                              "not longitude/latitude; only WGS84 is imported")


def _candidate(index: int, key: str, city_object: Any, objects: dict[str, Any],
               vertices: list[Vertex], entity_type: str, options: Options) -> Candidate:
    entity_id = entity_urn(entity_type, key, options.id_prefix)
    kind = city_object.get("type") if isinstance(city_object, dict) else None
    if kind not in BUILDING_TYPES:
        return Candidate(index, entity_id, None,
                         f"CityObject type {kind} is not imported (only Building, BuildingPart)")
    surfaces = _surfaces(city_object, objects)
    if not surfaces:
        return Candidate(index, entity_id, None, "the building has no geometry")
    footprint = _footprint(surfaces, vertices)
    if footprint is None:
        return Candidate(index, entity_id, None, "no footprint can be drawn from the geometry")
    attributes = city_object.get("attributes") or {}
    entity: dict[str, Any] = {"id": entity_id, "type": entity_type}
    entity.update(properties(attributes, {"measuredHeight", "storeysAboveGround", "type", "id",
                                          "location"}))
    entity.setdefault("name", {"type": "Property", "value": str(attributes.get("name", key))})
    height = _height(attributes, surfaces, vertices)
    if height is not None:
        entity["height"] = {"type": "Property", "value": height, "unitCode": "MTR"}
    storeys = attributes.get("storeysAboveGround")
    if isinstance(storeys, int):
        entity["floorsAboveGround"] = {"type": "Property", "value": storeys}
    entity["location"] = {"type": "GeoProperty", "value": footprint.__geo_interface__}
    for parent in city_object.get("parents") or []:
        entity["refBuilding"] = {"type": "Relationship",
                                 "object": entity_urn(entity_type, parent, options.id_prefix)}
    return Candidate(index, entity_id, entity)


def _surfaces(city_object: dict[str, Any], objects: dict[str, Any]) -> list[tuple[Surface, bool]]:
    """(surface, is ground) of the object's geometry, or of its parts' when it has none."""
    found = [s for geometry in city_object.get("geometry") or [] for s in _of_geometry(geometry)]
    if found:
        return found
    for child in city_object.get("children") or []:
        part = objects.get(child)
        if isinstance(part, dict):
            found.extend(s for geometry in part.get("geometry") or []
                         for s in _of_geometry(geometry))
    return found


def _of_geometry(geometry: dict[str, Any]) -> list[tuple[Surface, bool]]:
    kind, boundaries = str(geometry.get("type")), geometry.get("boundaries") or []
    values = (geometry.get("semantics") or {}).get("values")
    kinds = [s.get("type") for s in (geometry.get("semantics") or {}).get("surfaces", [])]
    depth = {"MultiSurface": 0, "CompositeSurface": 0, "Solid": 1,
             "MultiSolid": 2, "CompositeSolid": 2}.get(kind)
    if depth is None:
        return []
    surfaces, labels = _flatten(boundaries, values, depth)
    return [(surface, label is not None and 0 <= label < len(kinds)
             and kinds[label] == "GroundSurface") for surface, label in zip(surfaces, labels,
                                                                            strict=True)]


def _flatten(boundaries: Any, values: Any, depth: int) -> tuple[list[Surface], list[int | None]]:
    if depth == 0:
        given = values if isinstance(values, list) else [None] * len(boundaries)
        return list(boundaries), [v if isinstance(v, int) else None for v in given]
    surfaces: list[Surface] = []
    labels: list[int | None] = []
    for n, item in enumerate(boundaries):
        sub_values = values[n] if isinstance(values, list) and n < len(values) else None
        more, more_labels = _flatten(item, sub_values, depth - 1)
        surfaces.extend(more)
        labels.extend(more_labels)
    return surfaces, labels


def _footprint(surfaces: list[tuple[Surface, bool]],
               vertices: list[Vertex]) -> BaseGeometry | None:
    ground = [_polygon(s, vertices) for s, is_ground in surfaces if is_ground]
    ground = [p for p in ground if p is not None]
    if ground:
        return _simple(unary_union(ground))
    by_height = sorted(surfaces, key=lambda item: _mean_z(item[0], vertices))
    for surface, _ in by_height:
        polygon = _polygon(surface, vertices)
        if polygon is not None:
            return polygon
    points = MultiPoint([vertices[i][:2] for s, _ in surfaces for ring in s for i in ring])
    hull = points.convex_hull
    return hull if isinstance(hull, Polygon) else None


def _polygon(surface: Surface, vertices: list[Vertex]) -> Polygon | None:
    rings = [[vertices[i][:2] for i in ring] for ring in surface]
    if not rings or len(rings[0]) < 3:
        return None
    polygon = Polygon(rings[0], rings[1:])
    if not polygon.is_valid or polygon.area <= 1e-14:  # vertical walls have no area in plan
        return None
    return polygon


def _simple(shape: BaseGeometry) -> BaseGeometry:
    return shape if shape.geom_type in ("Polygon", "MultiPolygon") else shape.convex_hull


def _mean_z(surface: Surface, vertices: list[Vertex]) -> float:
    zs = [vertices[i][2] for ring in surface for i in ring]
    return sum(zs) / len(zs) if zs else 0.0


def _height(attributes: dict[str, Any], surfaces: list[tuple[Surface, bool]],
            vertices: list[Vertex]) -> float | None:
    measured = attributes.get("measuredHeight")
    if isinstance(measured, int | float) and not isinstance(measured, bool) and measured > 0:
        return float(measured)
    zs = [vertices[i][2] for s, _ in surfaces for ring in s for i in ring]
    spread = max(zs) - min(zs) if zs else 0.0
    return round(spread, 2) if spread > 0 else None
