"""Geo-queries (clause 4.10): `georel`, `geometry`, `coordinates` and `geoproperty`, evaluated
exactly with shapely after the store has narrowed the candidates by bounding box.

Distances for `near` are metres on the WGS84 sphere: both shapes are projected to a local
equirectangular plane around the query point, accurate to well under 1 % within a city.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from shapely import affinity
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from cityverse.modules.twin.ngsild.entity import GEO_TYPES, check_geometry
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError

EARTH_RADIUS_M = 6_371_008.8
RELATIONS = frozenset({
    "near", "within", "contains", "intersects", "equals", "disjoint", "overlaps",
})


def bad(detail: str) -> NgsiLdError:
    return NgsiLdError(ErrorKind.BadRequestData, f"invalid geo-query: {detail}")


@dataclass(frozen=True)
class GeoQuery:
    relation: str
    geometry: BaseGeometry
    geoproperty: str  # a short name, expanded by the caller
    max_distance: float | None = None
    min_distance: float | None = None

    def bbox(self) -> tuple[float, float, float, float] | None:
        """The lon/lat box every match must touch; None when no box narrows it (disjoint,
        or near with only a minimum distance)."""
        if self.relation == "disjoint" or (self.relation == "near" and self.max_distance is None):
            return None
        min_x, min_y, max_x, max_y = self.geometry.bounds
        if self.relation == "near" and self.max_distance is not None:
            lat_pad = math.degrees(self.max_distance / EARTH_RADIUS_M)
            cos = max(math.cos(math.radians(max(abs(min_y), abs(max_y)) + lat_pad)), 1e-6)
            lon_pad = lat_pad / cos
            return (min_x - lon_pad, min_y - lat_pad, max_x + lon_pad, max_y + lat_pad)
        return (min_x, min_y, max_x, max_y)

    def matches(self, value: dict[str, Any]) -> bool:
        other = shape(value)
        if self.relation == "near":
            distance = distance_m(self.geometry, other)
            if self.max_distance is not None and distance > self.max_distance:
                return False
            return not (self.min_distance is not None and distance < self.min_distance)
        # The relation reads "entity georel query-geometry" (clause 4.10).
        if self.relation == "within":
            return bool(other.within(self.geometry))
        if self.relation == "contains":
            return bool(other.contains(self.geometry))
        if self.relation == "intersects":
            return bool(other.intersects(self.geometry))
        if self.relation == "equals":
            return bool(other.equals(self.geometry))
        if self.relation == "disjoint":
            return bool(other.disjoint(self.geometry))
        return bool(other.overlaps(self.geometry))


def parse_geo_query(
    georel: str | None, geometry: str | None, coordinates: str | None, geoproperty: str | None
) -> GeoQuery | None:
    given = [p is not None for p in (georel, geometry, coordinates)]
    if not any(given):
        return None
    if not all(given):
        raise bad("georel, geometry and coordinates go together")
    assert georel is not None and geometry is not None and coordinates is not None
    relation, *modifiers = georel.split(";")
    if relation not in RELATIONS:
        raise bad(f"unknown georel {relation!r}")
    max_distance = min_distance = None
    for modifier in modifiers:
        key, _, raw = modifier.partition("==")
        try:
            number = float(raw)
        except ValueError:
            raise bad(f"{modifier!r} needs a number of metres") from None
        if key == "maxDistance" and number >= 0:
            max_distance = number
        elif key == "minDistance" and number >= 0:
            min_distance = number
        else:
            raise bad(f"unknown or negative modifier {modifier!r}")
    if relation == "near" and max_distance is None and min_distance is None:
        raise bad("near needs maxDistance or minDistance")
    if relation != "near" and modifiers:
        raise bad(f"{relation} takes no modifiers")
    if geometry not in GEO_TYPES:
        raise bad(f"unknown geometry {geometry!r}")
    try:
        parsed = json.loads(coordinates)
    except ValueError:
        raise bad("coordinates must be a JSON array") from None
    value = check_geometry({"type": geometry, "coordinates": parsed}, "the query geometry")
    return GeoQuery(
        relation=relation, geometry=shape(value), geoproperty=geoproperty or "location",
        max_distance=max_distance, min_distance=min_distance,
    )


def distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Shortest distance in metres between two lon/lat shapes."""
    origin = a.centroid
    scale_x = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(origin.y))
    scale_y = math.radians(1) * EARTH_RADIUS_M

    def local(geometry: BaseGeometry) -> BaseGeometry:
        moved = affinity.translate(geometry, -origin.x, -origin.y)
        return affinity.scale(moved, scale_x, scale_y, origin=(0, 0))

    return float(local(a).distance(local(b)))
