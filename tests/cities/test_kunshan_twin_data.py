"""The shipped Kunshan twin data: what the generator writes, what the simulator relies on
(types, attribute names, ASCII device ids) and that the generator reproduces it exactly."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import shape

from cityverse.cities.kunshan.twin_demo import read_twin_entities

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "src/cityverse/cities/kunshan/data/twin/kunshan-twin.json.gz"
# Kunshan's extent with a little room for the lakes on its borders.
KUNSHAN_BBOX = (120.78, 31.08, 121.17, 31.53)
MINIMUM_PER_TYPE = {
    "Building": 1500, "Road": 20, "WaterBody": 8, "AirQualityObserved": 40,
    "WaterObserved": 20, "FloodMonitoring": 20, "TrafficFlowObserved": 40,
    "CrowdFlowObserved": 20,
}
SENSOR_ATTRIBUTES = {
    "AirQualityObserved": {"pm25", "pm10", "no2", "o3", "co", "temperature",
                           "relativeHumidity", "airQualityIndex"},
    "WaterObserved": {"height", "temperature", "flow"},
    "FloodMonitoring": {"currentLevel", "referenceLevel"},
    "TrafficFlowObserved": {"intensity", "averageVehicleSpeed", "occupancy", "congested",
                            "refRoadSegment"},
    "CrowdFlowObserved": {"peopleCount", "occupancy", "congested", "averageCrowdSpeed"},
}
ID = re.compile(r"^urn:ngsi-ld:(?P<type>[A-Za-z]+):kunshan:(?P<slug>[a-z0-9][a-z0-9-]*)$")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def entities() -> list[dict[str, Any]]:
    return read_twin_entities()


def test_counts_per_type_meet_the_plan(entities: list[dict[str, Any]]) -> None:
    counts = Counter(entity["type"] for entity in entities)
    assert len(entities) >= 2000
    for kind, minimum in MINIMUM_PER_TYPE.items():
        assert counts[kind] >= minimum, kind
    assert sum(counts[kind] for kind in SENSOR_ATTRIBUTES) >= 200
    assert SHIPPED.stat().st_size < 1_000_000


def test_ids_are_unique_urns_with_ascii_device_slugs(entities: list[dict[str, Any]]) -> None:
    ids = [entity["id"] for entity in entities]
    assert len(set(ids)) == len(ids)
    slugs = []
    for entity in entities:
        match = ID.match(entity["id"])
        assert match is not None, entity["id"]
        assert match["type"] == entity["type"]
        slugs.append(match["slug"])
    assert len(set(slugs)) == len(slugs)  # the simulator's device id is the last segment


def test_geometries_are_valid_and_inside_kunshan(entities: list[dict[str, Any]]) -> None:
    west, south, east, north = KUNSHAN_BBOX
    expected = {"Building": "Polygon", "Road": "LineString"}
    for entity in entities:
        geometry = shape(entity["location"])
        assert geometry.is_valid and not geometry.is_empty, entity["id"]
        min_x, min_y, max_x, max_y = geometry.bounds
        assert west <= min_x and max_x <= east and south <= min_y and max_y <= north, entity["id"]
        if entity["type"] in expected:
            assert geometry.geom_type == expected[entity["type"]], entity["id"]
        if entity["type"] in SENSOR_ATTRIBUTES:
            assert geometry.geom_type == "Point", entity["id"]


def test_buildings_have_height_floors_category_name_and_address(
    entities: list[dict[str, Any]],
) -> None:
    buildings = [e for e in entities if e["type"] == "Building"]
    for building in buildings:
        assert 3 <= building["height"]["value"] <= 300
        assert building["floorsAboveGround"] >= 1
        assert building["category"] and CHINESE.search(building["name"])
        assert building["address"]["value"]["streetAddress"].endswith("号")
    towers = [b for b in buildings if b["height"]["value"] > 150]
    assert towers, "the business centre has towers"
    near_huaqiao = [b for b in towers if abs(shape(b["location"]).centroid.x - 121.095) < 0.01]
    assert len(near_huaqiao) >= len(towers) / 3


def test_sensors_carry_the_simulators_attributes(entities: list[dict[str, Any]]) -> None:
    roads = {e["id"] for e in entities if e["type"] == "Road"}
    for entity in entities:
        wanted = SENSOR_ATTRIBUTES.get(entity["type"])
        if wanted is None:
            continue
        assert wanted <= set(entity), entity["id"]
        assert CHINESE.search(entity["name"]) and "district" in entity["address"]["value"]
        if entity["type"] == "TrafficFlowObserved":
            assert entity["refRoadSegment"]["object"] in roads
    crowd = {e["name"][:4] for e in entities if e["type"] == "CrowdFlowObserved"}
    assert {"周庄古镇", "千灯古镇", "锦溪古镇"} <= crowd


def test_water_sensors_sit_on_the_lakes_and_rivers(entities: list[dict[str, Any]]) -> None:
    water = {e["name"]: shape(e["location"]) for e in entities if e["type"] == "WaterBody"}
    for entity in entities:
        if entity["type"] == "WaterObserved":
            lake = water[entity["address"]["value"]["streetAddress"]]
            assert lake.contains(shape(entity["location"])), entity["id"]
        if entity["type"] == "FloodMonitoring":
            river = water[entity["address"]["value"]["streetAddress"]]
            assert river.distance(shape(entity["location"])) < 1e-6, entity["id"]


def test_the_generator_reproduces_the_shipped_file(tmp_path: Path) -> None:
    output = tmp_path / "twin.json.gz"
    subprocess.run([sys.executable, str(ROOT / "scripts/make_kunshan_twin.py"),
                    "--output", str(output)], check=True, capture_output=True)
    assert output.read_bytes() == SHIPPED.read_bytes()
