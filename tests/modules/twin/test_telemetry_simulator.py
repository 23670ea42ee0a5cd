"""The device simulator: its rules give plausible values with daily rhythms and anomalies,
and a run registers a device per sensor entity and updates the entities over MQTT."""

from __future__ import annotations

import random
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from cityverse.core.config import Settings
from cityverse.modules.twin.telemetry import rules
from cityverse.modules.twin.telemetry.simulator import Simulator, device_id_for, is_scenic
from conftest import make_settings
from tests_support_telemetry import wait_until

SignedInFactory = Callable[..., Awaitable[httpx.AsyncClient]]
# A Wednesday and a Saturday in Kunshan (UTC+8), given in UTC.
WEDNESDAY = datetime(2026, 7, 15, tzinfo=UTC)
SATURDAY = datetime(2026, 7, 18, tzinfo=UTC)


def at(day: datetime, local_hour: float) -> datetime:
    return day + timedelta(hours=local_hour - 8)


def average(sensor: rules.Sensor, moment: datetime, name: str, n: int = 40) -> float:
    rng = random.Random(1)
    values = []
    for _ in range(n):
        sensor.anomaly_left = 0
        value = rules.reading(sensor, moment, rng)[name]
        assert isinstance(value, int | float)
        values.append(float(value))
    return sum(values) / n


def test_traffic_has_rush_hours_on_workdays() -> None:
    road = rules.Sensor("road-1", "TrafficFlowObserved")
    morning = average(road, at(WEDNESDAY, 8), "intensity")
    evening = average(road, at(WEDNESDAY, 18), "intensity")
    night = average(road, at(WEDNESDAY, 3), "intensity")
    noon = average(road, at(WEDNESDAY, 11), "intensity")
    assert morning > 2 * night and evening > 2 * night and morning > noon
    assert average(road, at(WEDNESDAY, 8), "averageVehicleSpeed") \
        < average(road, at(WEDNESDAY, 3), "averageVehicleSpeed")
    values = rules.reading(road, at(WEDNESDAY, 18), random.Random(2))
    assert isinstance(values["congested"], bool) and 0 <= float(values["occupancy"]) <= 1


def test_scenic_spots_peak_by_day_and_at_weekends() -> None:
    spot = rules.Sensor("zhouzhuang-gate", "CrowdFlowObserved", scenic=True)
    weekend_noon = average(spot, at(SATURDAY, 14), "peopleCount")
    workday_noon = average(spot, at(WEDNESDAY, 14), "peopleCount")
    night = average(spot, at(SATURDAY, 2), "peopleCount")
    assert weekend_noon > workday_noon > 3 * night
    mall = rules.Sensor("mall-1", "CrowdFlowObserved")
    assert average(mall, at(WEDNESDAY, 19.5), "peopleCount") \
        > average(mall, at(WEDNESDAY, 16), "peopleCount")


def test_air_quality_values_are_plausible_and_spike_in_anomalies() -> None:
    station = rules.Sensor("ks-aq-001", "AirQualityObserved")
    values = rules.reading(station, at(WEDNESDAY, 15), random.Random(3))
    assert set(values) == set(rules.SENSOR_ATTRIBUTES["AirQualityObserved"])
    assert 3 <= float(values["pm25"]) < 150 and float(values["pm10"]) > float(values["pm25"])
    assert 15 < float(values["temperature"]) < 42  # July afternoon
    assert 25 <= float(values["relativeHumidity"]) <= 98
    assert values["airQualityIndex"] == rules.air_quality_index(float(values["pm25"]))
    assert rules.air_quality_index(35) == 50 and rules.air_quality_index(75) == 100
    assert average(station, at(WEDNESDAY, 14), "temperature") \
        > average(station, at(WEDNESDAY, 5), "temperature")
    calm = average(station, at(WEDNESDAY, 12), "pm25")
    station.anomaly_left = 5
    spiked = rules.reading(station, at(WEDNESDAY, 12), random.Random(4))["pm25"]
    assert float(spiked) > 2 * calm


def test_anomalies_start_now_and_then_and_end() -> None:
    gauge = rules.Sensor("flood-7", "FloodMonitoring")
    rng = random.Random(5)
    moment = at(WEDNESDAY, 10)
    readings = [rules.reading(gauge, moment, rng) for _ in range(5000)]
    over = [r for r in readings if float(r["currentLevel"]) > float(r["referenceLevel"])]
    assert 0 < len(over) < 1000  # high water happens, rarely, and passes
    assert all(r["referenceLevel"] == readings[0]["referenceLevel"] for r in readings)
    river = rules.Sensor("river-1", "WaterObserved")
    water = rules.reading(river, moment, rng)
    assert 0.5 < float(water["height"]) < 4 and float(water["flow"]) > 0


def test_device_ids_and_scenic_hints() -> None:
    assert device_id_for("urn:ngsi-ld:AirQualityObserved:ks-aq-001") == "ks-aq-001"
    assert device_id_for("urn:ngsi-ld:CrowdFlowObserved:周庄/gate 1") == "gate-1"
    assert is_scenic("urn:ngsi-ld:CrowdFlowObserved:x", {"name": [{"value": "周庄古镇南门"}]})
    assert not is_scenic("urn:ngsi-ld:CrowdFlowObserved:x", {"name": [{"value": "火车站"}]})


@pytest.fixture
def settings(migrated: str, tmp_path: Path) -> Settings:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return make_settings(migrated, tmp_path).model_copy(update={
        "mqtt_embedded": True, "mqtt_port": port, "twin_ingest_batch_wait_ms": 5})



async def test_simulator_feeds_every_sensor_entity_over_mqtt(
    app: FastAPI, settings: Settings, officer: httpx.AsyncClient
) -> None:
    for kind in rules.SENSOR_ATTRIBUTES:
        response = await officer.post("/ngsi-ld/v1/entities", json={
            "id": f"urn:ngsi-ld:{kind}:sim-{kind.lower()}", "type": kind})
        assert response.status_code == 201
    await officer.post("/ngsi-ld/v1/entities", json={"id": "urn:ngsi-ld:Building:b1",
                                                     "type": "Building"})
    url = f"mqtt://127.0.0.1:{settings.mqtt_port}"
    simulator = Simulator(app.state.sessionmaker, url, interval_s=0.2, seed=7)
    await simulator.run(rounds=2)
    assert simulator.published == 10
    telemetry = app.state.twin_telemetry
    await wait_until(lambda: telemetry.pipeline.counters.accepted == 10)
    listed = (await officer.get("/api/twin/devices")).json()
    assert listed["total"] == 5 and all(d["simulated"] for d in listed["items"])
    traffic = (await officer.get(
        "/ngsi-ld/v1/entities/urn:ngsi-ld:TrafficFlowObserved:sim-trafficflowobserved")).json()
    assert traffic["intensity"]["value"] >= 0 and "observedAt" in traffic["intensity"]
    # A second run rotates the simulator's own keys and goes on publishing.
    again = Simulator(app.state.sessionmaker, url, interval_s=0.2, seed=8)
    await again.run(rounds=1)
    await wait_until(lambda: telemetry.pipeline.counters.accepted == 15)


async def test_readings_measured_while_offline_go_out_as_one_array(
    app: FastAPI, settings: Settings, officer: httpx.AsyncClient
) -> None:
    response = await officer.post("/ngsi-ld/v1/entities", json={
        "id": "urn:ngsi-ld:WaterObserved:sim-offline", "type": "WaterObserved"})
    assert response.status_code == 201
    with socket.socket() as probe:  # a port nobody listens on: the broker is "down"
        probe.bind(("127.0.0.1", 0))
        down = f"mqtt://127.0.0.1:{probe.getsockname()[1]}"
    offline = Simulator(app.state.sessionmaker, down, interval_s=0.05, seed=3)
    (item,) = await offline.prepare()
    for _ in range(3):
        await offline._publish(item)
    assert offline.published == 0 and len(item.unsent) == 3
    online = Simulator(app.state.sessionmaker, f"mqtt://127.0.0.1:{settings.mqtt_port}",
                       interval_s=0.05, seed=3)
    await online._publish(item)  # the three kept readings and a new one, in one message
    assert online.published == 4 and item.unsent == []
    telemetry = app.state.twin_telemetry
    await wait_until(lambda: telemetry.pipeline.counters.accepted == 4)
    history = (await officer.get(
        "/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:WaterObserved:sim-offline",
        params={"timerel": "after", "timeAt": "2000-01-01T00:00:00Z"})).json()
    assert {len(series) for name, series in history.items() if isinstance(series, list)} == {4}
    assert item.publisher is not None
    await item.publisher.close()
