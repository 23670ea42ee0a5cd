"""The city twin in the browser: entities created through the NGSI-LD API appear on the 3D
map, a sensor changed through the API is recoloured live, its panel shows a 24-hour chart, and
holding the time slider replays an earlier value."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from e2e.browsing import SHOTS, login, shot

pytestmark = pytest.mark.browser

GREEN, YELLOW, RED = "#2ea043", "#e6be1e", "#d22828"  # colours.ts: PM2.5 grades


def ago(minutes: float) -> str:
    moment = datetime.now(UTC) - timedelta(minutes=minutes)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def square(lon: float, lat: float, size: float) -> dict[str, Any]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def city(tag: str) -> list[tuple[str, dict[str, Any]]]:
    """A small piece of town: two buildings, a road, a lake and an air-quality station whose
    PM2.5 was 140 three hours ago and is 20 now."""
    def geo(value: dict[str, Any]) -> dict[str, Any]:
        return {"type": "GeoProperty", "value": value}

    def prop(value: Any) -> dict[str, Any]:
        return {"type": "Property", "value": value}

    buildings = [
        ("/ngsi-ld/v1/entities", {
            "id": f"urn:ngsi-ld:Building:kunshan:{tag}-{n}", "type": "Building",
            "name": prop(f"测试楼{n}"), "height": prop(40 + 30 * n),
            "location": geo(square(120.955 + 0.002 * n, 31.385, 0.0012)),
        }) for n in range(2)
    ]
    return [*buildings, ("/ngsi-ld/v1/entities", {
        "id": f"urn:ngsi-ld:Road:kunshan:{tag}", "type": "Road", "name": prop("测试路"),
        "location": geo({"type": "LineString",
                         "coordinates": [[120.952, 31.384], [120.962, 31.384]]}),
    }), ("/ngsi-ld/v1/entities", {
        "id": f"urn:ngsi-ld:WaterBody:kunshan:{tag}", "type": "WaterBody", "name": prop("测试湖"),
        "location": geo(square(120.953, 31.387, 0.003)),
    }), ("/ngsi-ld/v1/temporal/entities", {
        "id": station(tag), "type": "AirQualityObserved", "name": prop(f"测试空气站{tag}"),
        "address": prop("昆山市前进西路测试点"),
        "location": geo({"type": "Point", "coordinates": [120.958, 31.3835]}),
        "pm25": [{"type": "Property", "value": 140.0, "observedAt": ago(180)},
                 {"type": "Property", "value": 20.0, "observedAt": ago(30)}],
    })]


def station(tag: str) -> str:
    return f"urn:ngsi-ld:AirQualityObserved:kunshan:{tag}"


def map_is_drawn(page: Page) -> bool:
    """The map canvas shows more than a background: extruded buildings shade into many tones."""
    picture = Image.open(io.BytesIO(page.get_by_test_id("twin-map").screenshot()))
    colours = picture.convert("RGB").getcolors(maxcolors=1_000_000) or []
    return len(colours) > 50


def test_a_sensor_changes_colour_live_and_replays_its_past(page: Page) -> None:
    tag = uuid.uuid4().hex[:8]
    login(page, "officer", DEMO_PASSWORD)
    for path, document in city(tag):
        response = page.request.post(path, data=document)
        assert response.status == 201, response.text()

    page.goto("/city/twin")
    view = page.get_by_test_id("twin-view")
    expect(view).to_have_attribute("data-rendered", "true", timeout=30_000)
    expect(view).to_have_attribute("data-feed", "open")
    sensor = page.locator(f'[data-testid="twin-sensor-states"] li[data-id="{station(tag)}"]')
    expect(sensor).to_have_attribute("data-colour", GREEN)
    page.wait_for_timeout(1500)  # the camera has settled
    assert map_is_drawn(page), "the map canvas is blank"
    shot(page, "twin-view-01-city")

    # A new reading arrives (later the simulator sends it over MQTT): the page follows live.
    response = page.request.patch(f"/ngsi-ld/v1/entities/{station(tag)}/attrs", data={
        "pm25": {"type": "Property", "value": 60.0, "observedAt": ago(0)}})
    assert response.status == 204, response.text()
    expect(sensor).to_have_attribute("data-colour", YELLOW)
    expect(sensor).to_have_attribute("data-value", "60")

    # Search by name, fly there and open the panel with the 24-hour chart.
    page.get_by_test_id("twin-search").locator("input").fill(f"测试空气站{tag}")
    page.get_by_test_id(f"twin-search-result-{station(tag)}").click()
    panel = page.get_by_test_id("twin-panel")
    expect(panel).to_have_attribute("data-entity-id", station(tag))
    expect(page.get_by_test_id("twin-attr-pm25")).to_have_attribute("data-value", "60")
    history = page.get_by_test_id("twin-history")
    expect(history).to_have_attribute("data-loaded", "true")
    expect(history).to_have_attribute("data-points", "3")
    expect(page.get_by_test_id("twin-history-chart")).to_be_visible()
    page.wait_for_timeout(1500)
    shot(page, "twin-view-02-panel")

    # Hold the slider two and a half hours back: the station shows the value it had then.
    slider = page.get_by_test_id("twin-time-slider")
    box = slider.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 89 / 95, box["y"] + box["height"] / 2, steps=5)
    expect(view).to_have_attribute("data-mode", "replay")
    # The replay reads the whole city's last 24 h of history (the simulator's too): be patient.
    expect(sensor).to_have_attribute("data-colour", RED, timeout=30_000)
    expect(sensor).to_have_attribute("data-value", "140")
    page.screenshot(path=str(SHOTS / "twin-view-03-replay.png"))
    page.mouse.up()
    expect(view).to_have_attribute("data-mode", "live")
    expect(sensor).to_have_attribute("data-colour", YELLOW)


def test_the_city_view_in_english(page: Page) -> None:
    login(page, "officer", DEMO_PASSWORD)
    page.goto("/city/twin")
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("twin-legend")).to_contain_text("Air quality PM2.5")
    expect(page.get_by_test_id("twin-time-slider")).to_be_visible()
    expect(page.get_by_test_id("twin-view")).to_have_attribute("data-rendered", "true",
                                                               timeout=30_000)
    shot(page, "twin-view-04-en")


def test_the_simulator_recolours_the_kunshan_sensors_over_mqtt(page: Page) -> None:
    """The demo's device simulator publishes readings over MQTT to the embedded broker; they
    are ingested into the twin and the open city view follows them without a reload."""
    login(page, "officer", DEMO_PASSWORD)
    page.goto("/city/twin")
    view = page.get_by_test_id("twin-view")
    expect(view).to_have_attribute("data-rendered", "true", timeout=30_000)
    expect(view).to_have_attribute("data-feed", "open")
    sensors = page.locator('[data-testid="twin-sensor-states"] li[data-id^="urn:ngsi-ld:'
                           'AirQualityObserved:kunshan:"]')
    assert sensors.count() >= 50  # the pack's air-quality stations, not test-made ones
    watched = sensors.first
    before = watched.get_attribute("data-value")
    # The simulator sends every 10 s here; give a busy machine a few rounds.
    expect(watched).not_to_have_attribute("data-value", before or "", timeout=60_000)
    expect(watched).to_have_attribute("data-colour", re.compile(r"^#[0-9a-f]{6}$"))
    status = page.request.get("/api/twin/ingest/status").json()
    assert status["broker"] == "embedded" and status["accepted"] > 0, status
    page.wait_for_timeout(1000)
    shot(page, "twin-view-05-simulated")
