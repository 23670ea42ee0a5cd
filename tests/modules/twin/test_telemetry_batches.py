"""Batched telemetry: a device publishes a JSON array of readings in one MQTT message; bad
elements are refused alone; an ingest batch gives the entity only the newest reading of each
attribute (by observedAt, never going back in time) while the temporal history keeps every
reading, and subscribers hear of the entity's latest state."""

from __future__ import annotations

import json
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from cityverse.core.config import Settings
from cityverse.modules.twin.telemetry import readings, wire
from cityverse.modules.twin.telemetry.readings import BadReading
from conftest import make_settings
from tests_support_telemetry import Receiver, subscribe_to_pm25, wait_until

SignedInFactory = Callable[..., Awaitable[httpx.AsyncClient]]
AIR = "urn:ngsi-ld:AirQualityObserved:ks-aq-001"
TOPIC = "cityverse/default/devices/ks-aq-001/attrs"
TEMPORAL = f"/ngsi-ld/v1/temporal/entities/{AIR}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def sensor_with_device(officer: httpx.AsyncClient) -> str:
    """ks-aq-001's entity (pm25 20 in GQ) and device; the device's key."""
    created = await officer.post("/ngsi-ld/v1/entities", json={
        "id": AIR, "type": "AirQualityObserved",
        "pm25": {"type": "Property", "value": 20, "unitCode": "GQ"}})
    assert created.status_code == 201, created.text
    device = await officer.post("/api/twin/devices",
                                json={"device_id": "ks-aq-001", "entity_id": AIR})
    assert device.status_code == 201
    key: str = device.json()["key"]
    return key


def at(hour: int, minute: int = 0) -> str:
    return f"2026-11-23T{hour:02d}:{minute:02d}:00.000Z"



@pytest.fixture
def settings(migrated: str, tmp_path: Path) -> Settings:
    return make_settings(migrated, tmp_path).model_copy(update={
        "mqtt_embedded": True, "mqtt_port": free_port(), "twin_ingest_batch_wait_ms": 5})



async def publish(settings: Settings, key: str, *payloads: bytes) -> wire.Publisher:
    """The device's connection, left open: amqtt may drop what a client sent just before it
    disconnects (QoS 0)."""
    device = await wire.Publisher.connect(f"mqtt://127.0.0.1:{settings.mqtt_port}",
                                          "ks-aq-001", key)
    for payload in payloads:
        device.publish(TOPIC, payload)
    await device.drain()
    return device


def array(*items: dict[str, Any]) -> bytes:
    return json.dumps(list(items)).encode()


async def pm25_history(officer: httpx.AsyncClient, **params: str) -> list[list[Any]]:
    """(value, observedAt) of every pm25 reading after the entity's first value."""
    response = await officer.get(TEMPORAL, params={
        "options": "temporalValues", "timerel": "after", "timeAt": "2026-01-01T00:00:00Z",
        **params})
    assert response.status_code == 200, response.text
    values: list[list[Any]] = response.json()["pm25"]["values"]
    return values


async def entity_pm25(officer: httpx.AsyncClient) -> dict[str, Any]:
    found: dict[str, Any] = (await officer.get(f"/ngsi-ld/v1/entities/{AIR}")).json()["pm25"]
    return found


async def test_an_array_of_readings_over_the_embedded_broker(
    app: FastAPI, settings: Settings, officer: httpx.AsyncClient,
) -> None:
    key = await sensor_with_device(officer)
    device = await publish(settings, key, array(
        {"pm25": 30.0, "no2": 11, "observedAt": at(1)},
        {"pm25": 32.5, "observedAt": at(2)},
        {"pm25": 31.0, "observedAt": "2026-11-23T09:30:00+08:00"}))  # 01:30 UTC
    counters = app.state.twin_telemetry.pipeline.counters
    await wait_until(lambda: counters.accepted == 3)
    assert counters.rejected == 0
    latest = await entity_pm25(officer)
    assert (latest["value"], latest["observedAt"], latest["unitCode"]) == (32.5, at(2), "GQ")
    assert await pm25_history(officer) == [[30.0, at(1)], [31.0, at(1, 30)], [32.5, at(2)]]
    assert await pm25_history(officer, lastN="2") == [[31.0, at(1, 30)], [32.5, at(2)]]
    await device.close()


async def test_a_mixed_array_writes_the_good_readings_and_refuses_the_bad(
    app: FastAPI, settings: Settings, officer: httpx.AsyncClient,
) -> None:
    key = await sensor_with_device(officer)
    device = await publish(settings, key, array(
        {"pm25": 40.0, "observedAt": at(3)},
        {"type": "Hack"},  # a member only the entity has
        {"pm25": 41.0, "observedAt": "yesterday"},
        {"pm25": None},
        {"pm25": 42.0, "observedAt": at(4)}), b'[{"pm25": 43.0}, 7]')
    counters = app.state.twin_telemetry.pipeline.counters
    await wait_until(lambda: counters.accepted == 3 and counters.rejected == 4)
    assert [value for value, _ in await pm25_history(officer)] == [40.0, 42.0, 43.0]
    status = (await officer.get("/api/twin/ingest/status")).json()
    assert status["accepted"] == 3 and status["rejected"] == 4 and status["last_error"]
    await device.close()


async def test_too_many_readings_or_too_many_bytes_refuse_the_message(
    app: FastAPI, settings: Settings, officer: httpx.AsyncClient,
) -> None:
    key = await sensor_with_device(officer)
    too_many = array(*[{"pm25": 1}] * (readings.MAX_READINGS_PER_MESSAGE + 1))
    too_big = array({"pm25": 1, "note": "x" * readings.MAX_PAYLOAD_BYTES})
    device = await publish(settings, key, too_many, too_big, b"[]",
                  array(*[{"pm25": 2}] * readings.MAX_READINGS_PER_MESSAGE))
    counters = app.state.twin_telemetry.pipeline.counters
    await wait_until(lambda: counters.accepted == readings.MAX_READINGS_PER_MESSAGE)
    assert counters.rejected == 3  # one per refused message, not per reading in it
    assert (await entity_pm25(officer))["value"] == 2
    await device.close()


def test_payload_forms_parsed() -> None:
    single, refused = readings.from_mqtt(TOPIC, b'{"pm25": 1, "observedAt": "2026-11-23T01:00Z"}')
    assert [(r.device_id, r.values, r.topic_tenant) for r in single] == [
        ("ks-aq-001", {"pm25": 1}, "")] and refused == []
    several, refused = readings.from_mqtt(TOPIC, b'[{"pm25": 1}, "x", {"pm25": 2}]')
    assert [r.values for r in several] == [{"pm25": 1}, {"pm25": 2}]
    assert refused == ["reading 1: the reading is not a JSON object"]
    for whole in (b"7", b"[]", b"nope"):
        with pytest.raises(BadReading):
            readings.from_mqtt(TOPIC, whole)


async def test_a_batch_keeps_every_reading_in_history_and_the_newest_on_the_entity(
    app: FastAPI, officer: httpx.AsyncClient,
) -> None:
    await sensor_with_device(officer)
    receiver = Receiver()
    try:
        await subscribe_to_pm25(officer, receiver)
        pipeline = app.state.twin_telemetry.pipeline
        batches = pipeline.counters.batches
        # Queued before the worker wakes: one batch, out of time order on purpose.
        for hour, value in ((5, 50.0), (7, 70.0), (6, 60.0)):
            pipeline.submit(TOPIC, json.dumps({"pm25": value, "observedAt": at(hour)}).encode())
        pipeline.submit(TOPIC, array({"pm25": 65.0, "observedAt": at(6, 30)},
                                     {"pm25": 55.0, "observedAt": at(5, 30)}))
        await pipeline.drained()
        assert pipeline.counters.batches == batches + 1
        latest = await entity_pm25(officer)
        assert (latest["value"], latest["observedAt"]) == (70.0, at(7))
        assert [value for value, _ in await pm25_history(officer)] == [
            50.0, 55.0, 60.0, 65.0, 70.0]
        aggregated = (await officer.get(TEMPORAL, params={
            "options": "aggregatedValues", "aggrMethods": "totalCount,max",
            "timerel": "between", "timeAt": at(0), "endTimeAt": at(12),
            "aggrPeriodDuration": "PT12H"})).json()["pm25"]
        assert aggregated["totalCount"][0][0] == 5 and aggregated["max"][0][0] == 70.0
        # One notification for the batch, with the entity's latest state.
        bodies = await receiver.wait_for(1)
        assert len(bodies) == 1 and bodies[0]["data"][0]["pm25"]["value"] == 70.0
    finally:
        receiver.close()


async def test_an_older_reading_arriving_later_goes_to_history_only(
    app: FastAPI, officer: httpx.AsyncClient,
) -> None:
    await sensor_with_device(officer)
    pipeline = app.state.twin_telemetry.pipeline
    pipeline.submit(TOPIC, b'{"pm25": 80.0, "no2": 9, "observedAt": "2026-11-23T08:00:00Z"}')
    await pipeline.drained()
    before = (await officer.get(f"/ngsi-ld/v1/entities/{AIR}")).json()
    pipeline.submit(TOPIC, b'{"pm25": 75.0, "no2": 10, "observedAt": "2026-11-23T07:00:00Z"}')
    pipeline.submit(TOPIC, b'{"no2": 12, "observedAt": "2026-11-23T09:00:00Z"}')
    await pipeline.drained()
    after = (await officer.get(f"/ngsi-ld/v1/entities/{AIR}")).json()
    assert after["pm25"] == before["pm25"]  # 07:00 is older than the 08:00 it holds
    assert (after["no2"]["value"], after["no2"]["observedAt"]) == (12, at(9))
    assert await pm25_history(officer) == [[75.0, at(7)], [80.0, at(8)]]
    assert pipeline.counters.accepted == 3 and pipeline.counters.rejected == 0
