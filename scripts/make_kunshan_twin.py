"""Generates the Kunshan digital-twin data of the city pack (NGSI-LD entities, WGS84).

Everything is computed here from a fixed seed and the hand-traced geography in
`kunshan_twin_geography.py` plus the towns of `cities/kunshan/data/places.json`; nothing is
downloaded. The entities follow FIWARE Smart Data Models: buildings (`Building`) on the street
grids of two demo districts (the old city of 玉山镇 and 花桥国际商务城, towers near the business
centre), roads (`Road`), lakes and rivers (`WaterBody`) and sensors (`AirQualityObserved`,
`WaterObserved`, `FloodMonitoring`, `TrafficFlowObserved`, `CrowdFlowObserved`).

Run `python scripts/make_kunshan_twin.py` after changing it; the gzip output is committed and a
test checks that this script reproduces it byte for byte.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kunshan_twin_geography import CROWD_SPOTS, DISTRICTS, LAKES, MAIN_ROADS, RIVERS, District
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parents[1]
PLACES = ROOT / "src/cityverse/cities/kunshan/data/places.json"
OUTPUT = ROOT / "src/cityverse/cities/kunshan/data/twin/kunshan-twin.json.gz"
SEED = 20250601
OBSERVED_AT = "2025-06-01T08:00:00Z"
METRES_PER_DEGREE = 111_320.0
STREET_HALF_WIDTH_M = 18.0
Entity = dict[str, Any]


def urn(kind: str, slug: str) -> str:
    return f"urn:ngsi-ld:{kind}:kunshan:{slug}"


def address(district: str, street: str | None = None, postal_code: str | None = None) -> Entity:
    value = {"addressCountry": "CN", "addressRegion": "江苏省", "addressLocality": "昆山市",
             "district": district}
    if street:
        value["streetAddress"] = street
    if postal_code:
        value["postalCode"] = postal_code
    return {"type": "Property", "value": value}


def measure(value: float | int, unit: str | None = None, *, observed: bool = True) -> Entity:
    """A Property; sensor readings carry when they were observed, fixed facts do not."""
    item: Entity = {"value": value}
    if observed:
        item["observedAt"] = OBSERVED_AT
    if unit:
        item["unitCode"] = unit
    return item


def rounded(coordinates: Any) -> Any:
    if isinstance(coordinates, (int, float)):
        return round(float(coordinates), 6)
    return [rounded(c) for c in coordinates]


def geometry(shape: Any) -> Entity:
    mapping = shape.__geo_interface__
    return {"type": mapping["type"], "coordinates": rounded(mapping["coordinates"])}


class LocalGrid:
    """Metres east/north of a centre ↔ lon/lat (equirectangular, fine for a few km)."""

    def __init__(self, centre: tuple[float, float]) -> None:
        self.lon0, self.lat0 = centre
        self.m_per_lon = METRES_PER_DEGREE * math.cos(math.radians(self.lat0))

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        return self.lon0 + x / self.m_per_lon, self.lat0 + y / METRES_PER_DEGREE

    def metres(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.m_per_lon, (lat - self.lat0) * METRES_PER_DEGREE

    def polygon(self, points: list[tuple[float, float]]) -> Polygon:
        return Polygon([self.lonlat(x, y) for x, y in points])


# ---------------------------------------------------------------- water and roads


def water_bodies() -> Iterator[Entity]:
    for lake in LAKES:
        yield {"id": urn("WaterBody", f"water-{lake.slug}"), "type": "WaterBody",
               "name": lake.name, "alternateName": lake.alternate_name, "category": ["lake"],
               "location": geometry(Polygon(lake.points)), "address": address(lake.district)}
    for river in RIVERS:
        yield {"id": urn("WaterBody", f"water-{river.slug}"), "type": "WaterBody",
               "name": river.name, "alternateName": river.alternate_name,
               "category": ["river"], "location": geometry(LineString(river.points)),
               "address": address(river.district)}


def road_entity(slug: str, name: str, alternate: str, road_class: str, district: str,
                line: LineString) -> Entity:
    grid = LocalGrid(line.coords[0])
    length_km = LineString([grid.metres(*c) for c in line.coords]).length / 1000
    entity: Entity = {
        "id": urn("Road", f"road-{slug}"), "type": "Road", "name": name, "roadClass": road_class,
        "length": measure(round(length_km, 2), "KMT", observed=False),
        "location": geometry(line), "address": address(district, name),
    }
    if alternate:
        entity["alternateName"] = alternate
    return entity


def main_roads() -> Iterator[Entity]:
    for road in MAIN_ROADS:
        yield road_entity(road.slug, road.name, road.alternate_name, road.road_class,
                          road.district, LineString(road.points))


def grid_lines(district: District) -> tuple[list[float], list[float]]:
    xs = _steps(district.half_width_m, district.step_x_m)
    ys = _steps(district.half_height_m, district.step_y_m)
    return xs, ys


def _steps(half: float, step: float) -> list[float]:
    count = round(2 * half / step)
    return [-half + i * step for i in range(count + 1)]


def district_streets(district: District) -> Iterator[Entity]:
    grid = LocalGrid(district.centre)
    xs, ys = grid_lines(district)
    lines = [(name, "ns", i, [grid.lonlat(x, ys[0]), grid.lonlat(x, ys[-1])])
             for i, (name, x) in enumerate(zip(district.north_south, xs, strict=True))]
    lines += [(name, "ew", i, [grid.lonlat(xs[0], y), grid.lonlat(xs[-1], y)])
              for i, (name, y) in enumerate(zip(district.east_west, ys, strict=True))]
    for name, axis, index, points in lines:
        if name in district.skip_streets:
            continue
        road_class = "secondary" if index % 3 == 0 else "tertiary"
        yield road_entity(f"{district.slug}-{axis}-{index:02d}", name, "", road_class,
                          district.town, LineString(points))


# ---------------------------------------------------------------- buildings


class BuildingMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rivers = unary_union([LineString(r.points) for r in RIVERS])
        self.parks = [Point(lon, lat) for key, _, lon, lat, _, _ in CROWD_SPOTS
                      if key in ("tinglin-park", "civic-plaza")]

    def district(self, district: District) -> Iterator[Entity]:
        grid = LocalGrid(district.centre)
        xs, ys = grid_lines(district)
        number = 0
        for col in range(len(xs) - 1):
            for row in range(len(ys) - 1):
                block_index = col * (len(ys) - 1) + row
                estate = _estate(district, block_index)
                office = district.offices[block_index % len(district.offices)]
                street = district.east_west[row]
                block = (xs[col], ys[row], xs[col + 1], ys[row + 1])
                in_block = 0
                for footprint, centre_m in self._parcels(block):
                    shape = grid.polygon(footprint)
                    if self._blocked(shape, grid):
                        continue
                    number += 1
                    in_block += 1
                    yield self._building(district, shape, centre_m, (number, in_block),
                                         (estate, office), street)

    def _parcels(self, block: tuple[float, float, float, float]) -> Iterator[Any]:
        west, south, east, north = block
        west, south = west + STREET_HALF_WIDTH_M, south + STREET_HALF_WIDTH_M
        east, north = east - STREET_HALF_WIDTH_M, north - STREET_HALF_WIDTH_M
        cols, rows = self.rng.choice((3, 4, 4)), self.rng.choice((2, 3, 3, 4))
        width, depth = (east - west) / cols, (north - south) / rows
        for i in range(cols):
            for j in range(rows):
                if self.rng.random() < 0.05:  # an empty lot, a square or a car park
                    continue
                x0, y0 = west + i * width, south + j * depth
                fx = self.rng.uniform(0.55, 0.8) * width
                fy = self.rng.uniform(0.45, 0.75) * depth
                ox = x0 + self.rng.uniform(0.1, 0.9) * (width - fx)
                oy = y0 + self.rng.uniform(0.1, 0.9) * (depth - fy)
                footprint = [(ox, oy), (ox + fx, oy), (ox + fx, oy + fy), (ox, oy + fy),
                             (ox, oy)]
                yield footprint, (ox + fx / 2, oy + fy / 2)

    def _blocked(self, shape: Polygon, grid: LocalGrid) -> bool:
        """No building in a river or a park."""
        cx, cy = grid.metres(shape.centroid.x, shape.centroid.y)
        for park in self.parks:
            px, py = grid.metres(park.x, park.y)
            if math.hypot(cx - px, cy - py) < 220:
                return True
        river_gap = 45 / METRES_PER_DEGREE
        return bool(shape.buffer(river_gap).intersects(self.rivers))

    def _building(self, district: District, shape: Polygon, centre_m: tuple[float, float],
                  numbers: tuple[int, int], names: tuple[str, str], street: str) -> Entity:
        number, in_block = numbers
        distance = math.hypot(*centre_m)
        category, height, floor_height, name = self._kind(district, distance, in_block, names)
        floors = max(1, round(height / floor_height))
        door = 2 * (number % 150) + 1
        return {
            "id": urn("Building", f"bldg-{district.slug}-{number:04d}"), "type": "Building",
            "name": name, "category": [category],
            "height": measure(round(height, 1), "MTR", observed=False), "floorsAboveGround": floors,
            "location": geometry(shape),
            "address": address(district.town, f"{street}{door}号", district.postal_code),
        }

    def _kind(self, district: District, distance: float, number: int,
              names: tuple[str, str]) -> tuple[str, float, float, str]:
        rng = self.rng
        estate, office = names
        if distance < district.tower_radius_m:
            if rng.random() < 0.8:
                return "office", rng.uniform(90, 230), 4.2, f"{office}{chr(64 + number)}座"
            return "hotel", rng.uniform(60, 150), 3.6, f"{office}酒店"
        if distance < 2 * district.tower_radius_m and rng.random() < 0.45:
            kind = rng.choice(("office", "commercial", "commercial", "hotel"))
            label = {"office": "写字楼", "commercial": "商业中心", "hotel": "酒店"}[kind]
            return kind, rng.uniform(24, 100), 4.2, f"{office}{label}"
        roll = rng.random()
        if roll < 0.06:
            return "school", rng.uniform(12, 20), 3.8, f"{estate}配套学校"
        if roll < 0.16:
            return "retail", rng.uniform(8, 18), 4.5, f"{estate}商业街{number}号楼"
        if roll < 0.2:
            return "kindergarten", rng.uniform(8, 12), 3.6, f"{estate}幼儿园"
        return "residential", rng.uniform(18, 99), 3.0, f"{estate}{number}幢"


PHASES = ("", "二期", "三期", "四期", "五期", "六期", "七期", "八期", "九期", "十期", "十一期")


def _estate(district: District, block: int) -> str:
    """Each block its own estate: the names repeat with the next phase (二期, 三期 …)."""
    estates = district.estates
    return estates[block % len(estates)] + PHASES[block // len(estates)]


def buildings(rng: random.Random) -> Iterator[Entity]:
    maker = BuildingMaker(rng)
    for district in DISTRICTS:
        yield from maker.district(district)


# ---------------------------------------------------------------- sensors


def _along(points: tuple[tuple[float, float], ...], count: int) -> list[Point]:
    line = LineString(points)
    return [line.interpolate((i + 0.5) / count, normalized=True) for i in range(count)]


def _inside(polygon: Polygon, count: int, rng: random.Random) -> list[Point]:
    inner = polygon.buffer(-0.002)
    west, south, east, north = inner.bounds
    found: list[Point] = []
    while len(found) < count:
        candidate = Point(rng.uniform(west, east), rng.uniform(south, north))
        if inner.contains(candidate):
            found.append(candidate)
    return found


def _sensor(kind: str, slug: str, name: str, at: Point, district: str,
            street: str | None = None) -> Entity:
    return {"id": urn(kind, slug), "type": kind, "name": name,
            "location": geometry(Point(at.x, at.y)), "address": address(district, street)}


def _aqi(pm25: float) -> int:
    """China's PM2.5 sub-index (HJ 633-2012 breakpoints), enough for the initial values."""
    points = ((0, 0), (35, 50), (75, 100), (115, 150), (150, 200), (250, 300))
    for (c0, i0), (c1, i1) in itertools.pairwise(points):
        if pm25 <= c1:
            return round(i0 + (i1 - i0) * (pm25 - c0) / (c1 - c0))
    return 300


def air_quality(rng: random.Random) -> Iterator[Entity]:
    places = json.loads(PLACES.read_text("utf-8"))
    sites: list[tuple[str, str, Point, str]] = []
    for place in places:
        if place["kind"] not in ("town", "district"):
            continue
        slug = place["key"].removesuffix("-town")
        for n in range(1, 4):
            angle = 2 * math.pi * (n / 3) + rng.uniform(-0.4, 0.4)
            radius = rng.uniform(0.004, 0.012)
            at = Point(place["lon"] + radius * math.cos(angle),
                       place["lat"] + radius * math.sin(angle))
            sites.append((f"aq-{slug}-{n}", f"{place['name_zh']}空气质量监测站{n}号", at,
                          place["name_zh"]))
    for district, count in zip(DISTRICTS, (12, 9), strict=True):
        grid = LocalGrid(district.centre)
        for n in range(1, count + 1):
            x = rng.uniform(-district.half_width_m, district.half_width_m)
            y = rng.uniform(-district.half_height_m, district.half_height_m)
            sites.append((f"aq-{district.slug}-grid-{n}",
                          f"{district.town}网格空气微站{n}号", Point(*grid.lonlat(x, y)),
                          district.town))
    for slug, name, at, town in sites:
        pm25 = round(rng.uniform(18, 68), 1)
        entity = _sensor("AirQualityObserved", slug, name, at, town)
        entity.update(
            pm25=measure(pm25, "GQ"), pm10=measure(round(pm25 * rng.uniform(1.4, 1.9), 1), "GQ"),
            no2=measure(round(rng.uniform(18, 52), 1), "GQ"),
            o3=measure(round(rng.uniform(40, 120), 1), "GQ"),
            co=measure(round(rng.uniform(0.4, 1.2), 2), "GP"),
            temperature=measure(round(rng.uniform(19, 27), 1), "CEL"),
            relativeHumidity=measure(round(rng.uniform(0.55, 0.85), 2)),
            airQualityIndex=measure(_aqi(pm25)),
        )
        yield entity


def water_observed(rng: random.Random) -> Iterator[Entity]:
    for lake in LAKES:
        for n, at in enumerate(_inside(Polygon(lake.points), lake.sensors, rng), 1):
            entity = _sensor("WaterObserved", f"wo-{lake.slug}-{n}",
                             f"{lake.name}水文监测点{n}号", at, lake.district, lake.name)
            entity.update(height=measure(round(rng.uniform(2.8, 3.4), 2), "MTR"),
                          temperature=measure(round(rng.uniform(20, 25), 1), "CEL"),
                          flow=measure(round(rng.uniform(0.0, 2.0), 2), "MQS"))
            yield entity


def flood_monitoring(rng: random.Random) -> Iterator[Entity]:
    for river in RIVERS:
        for n, at in enumerate(_along(river.points, river.sensors), 1):
            entity = _sensor("FloodMonitoring", f"fm-{river.slug}-{n}",
                             f"{river.name}水位监测点{n}号", at, river.district, river.name)
            entity.update(currentLevel=measure(round(rng.uniform(2.6, 3.3), 2), "MTR"),
                          referenceLevel=measure(round(rng.uniform(3.6, 4.0), 2), "MTR"))
            yield entity


def traffic_flow(rng: random.Random) -> Iterator[Entity]:
    for road in MAIN_ROADS:
        fast = road.road_class == "motorway"
        for n, at in enumerate(_along(road.points, road.sensors), 1):
            entity = _sensor("TrafficFlowObserved", f"tf-{road.slug}-{n}",
                             f"{road.name}车流监测点{n}号", at, road.district, road.name)
            occupancy = round(rng.uniform(0.05, 0.6), 2)
            speed = round(rng.uniform(60, 100) if fast else rng.uniform(18, 55), 1)
            entity.update(
                intensity=measure(rng.randint(300, 1800) if fast else rng.randint(80, 900)),
                averageVehicleSpeed=measure(speed, "KMH"), occupancy=measure(occupancy),
                congested=measure(occupancy > 0.45 or speed < 25),
                refRoadSegment={"type": "Relationship", "object": urn("Road", f"road-{road.slug}")},
            )
            yield entity


def crowd_flow(rng: random.Random) -> Iterator[Entity]:
    for key, name, lon, lat, count, town in CROWD_SPOTS:
        for n in range(1, count + 1):
            at = Point(lon + rng.uniform(-0.003, 0.003), lat + rng.uniform(-0.0025, 0.0025))
            entity = _sensor("CrowdFlowObserved", f"cf-{key}-{n}", f"{name}客流监测点{n}号",
                             at, town, name)
            occupancy = round(rng.uniform(0.1, 0.9), 2)
            entity.update(peopleCount=measure(rng.randint(50, 3000)), occupancy=measure(occupancy),
                          congested=measure(occupancy > 0.75),
                          averageCrowdSpeed=measure(round(rng.uniform(0.5, 1.4), 2), "MTS"))
            yield entity


# ---------------------------------------------------------------- output


def generate(seed: int = SEED) -> list[Entity]:
    rng = random.Random(seed)  # noqa: S311 - a reproducible layout, not a secret
    entities: list[Entity] = [*water_bodies(), *main_roads()]
    for district in DISTRICTS:
        entities.extend(district_streets(district))
    entities.extend(buildings(rng))
    for sensors in (air_quality, water_observed, flood_monitoring, traffic_flow, crowd_flow):
        entities.extend(sensors(rng))
    return entities


def write(entities: list[Entity], path: Path) -> None:
    text = json.dumps(entities, ensure_ascii=False, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime 0 and no file name: the same entities always give the same bytes.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="",
                                               mtime=0, compresslevel=9) as out:
        out.write(text.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    entities = generate()
    write(entities, args.output)
    print(f"{len(entities)} entities → {args.output} ({args.output.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
