"""The schematic town map: committed output matches the generator; one cell per town."""

from __future__ import annotations

import importlib.util
import json
from itertools import pairwise
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).parents[4]


def generator() -> ModuleType:
    path = ROOT / "scripts/make_town_map.py"
    spec = importlib.util.spec_from_file_location("make_town_map", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def contains(ring: list[list[float]], lon: float, lat: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def area(ring: list[list[float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1
                   for (x1, y1), (x2, y2) in pairwise(ring))) / 2


def test_committed_map_is_the_generators_output() -> None:
    make = generator()
    assert make.OUTPUT.read_text("utf-8") == make.render(), "run scripts/make_town_map.py"


def test_every_town_has_a_cell_around_its_centre() -> None:
    make = generator()
    towns = make.read_towns()
    features = json.loads(make.render())["features"]
    assert [f["properties"]["key"] for f in features] == [t["key"] for t in towns]
    assert len(features) == 10
    total = 0.0
    for feature, town in zip(features, towns, strict=True):
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1]
        assert contains(ring, town["lon"], town["lat"]), town["key"]
        total += area(ring)
    # The cells tile the outline: together they cover its whole area, no more.
    outline = [list(p) for p in make.CITY_OUTLINE] + [list(make.CITY_OUTLINE[0])]
    assert abs(total - area(outline)) < 1e-4
