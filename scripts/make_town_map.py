"""Generates the schematic town map of Kunshan used by the industry dashboard.

The map is drawn, not surveyed: a hand-traced outline of the city (from well-known points such
as Yangcheng Lake in the north-west, Huaqiao on the Shanghai border in the east and the lakes
around Zhouzhuang and Dianshanhu in the south) is split into one Voronoi cell per town centre
of the city pack (`cities/kunshan/data/places.json`). Real administrative boundaries differ.

Run `python scripts/make_town_map.py` after changing the towns; the output is committed, and a
test checks that it matches what this script produces.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLACES = ROOT / "src/cityverse/cities/kunshan/data/places.json"
OUTPUT = ROOT / "web/src/modules/industry-dashboard/maps/kunshan-towns.json"

Point = tuple[float, float]

# Approximate city outline (lon, lat), counter-clockwise from the west shore of Yangcheng Lake.
CITY_OUTLINE: list[Point] = [
    (120.790, 31.360), (120.840, 31.300), (120.860, 31.240), (120.820, 31.180),
    (120.800, 31.120), (120.840, 31.090), (120.900, 31.100), (120.970, 31.120),
    (121.020, 31.160), (121.050, 31.220), (121.100, 31.260), (121.130, 31.310),
    (121.100, 31.360), (121.080, 31.410), (121.050, 31.470), (120.980, 31.500),
    (120.900, 31.520), (120.840, 31.490), (120.790, 31.430),
]


def read_towns(path: Path = PLACES) -> list[dict[str, object]]:
    places: list[dict[str, object]] = json.loads(path.read_text("utf-8"))
    return [p for p in places if p["kind"] == "town"]


def clip_to_half_plane(polygon: list[Point], site: Point, other: Point) -> list[Point]:
    """Keep the part of `polygon` nearer to `site` than to `other` (Sutherland–Hodgman)."""
    # Points p with (p - m)·(other - site) <= 0 are on the site's side of the bisector.
    mx, my = (site[0] + other[0]) / 2, (site[1] + other[1]) / 2
    dx, dy = other[0] - site[0], other[1] - site[1]

    def side(p: Point) -> float:
        return (p[0] - mx) * dx + (p[1] - my) * dy

    clipped: list[Point] = []
    for index, current in enumerate(polygon):
        previous = polygon[index - 1]
        current_in, previous_in = side(current) <= 0, side(previous) <= 0
        if current_in != previous_in:
            t = side(previous) / (side(previous) - side(current))
            clipped.append((previous[0] + t * (current[0] - previous[0]),
                            previous[1] + t * (current[1] - previous[1])))
        if current_in:
            clipped.append(current)
    return clipped


def town_cell(site: Point, others: list[Point]) -> list[Point]:
    cell = list(CITY_OUTLINE)
    for other in others:
        cell = clip_to_half_plane(cell, site, other)
    return cell


def ring(cell: list[Point]) -> list[list[float]]:
    points = [[round(lon, 4), round(lat, 4)] for lon, lat in cell]
    return [*points, points[0]]  # GeoJSON rings are closed


def build_map(towns: list[dict[str, object]]) -> dict[str, object]:
    sites = [(float(str(t["lon"])), float(str(t["lat"]))) for t in towns]
    features = []
    for town, site in zip(towns, sites, strict=True):
        cell = town_cell(site, [s for s in sites if s != site])
        features.append({
            "type": "Feature",
            # ECharts matches series data by `name`; the key keeps it language-neutral.
            "properties": {"name": town["key"], "key": town["key"], "name_zh": town["name_zh"],
                           "name_en": town["name_en"], "center": [site[0], site[1]]},
            "geometry": {"type": "Polygon", "coordinates": [ring(cell)]},
        })
    return {"type": "FeatureCollection", "schematic": True, "features": features}


def render() -> str:
    return json.dumps(build_map(read_towns()), ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(render(), "utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
