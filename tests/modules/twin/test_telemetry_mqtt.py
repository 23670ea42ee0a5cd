"""MQTT ingest end to end: devices publish to the embedded broker (amqtt) or to an external
Mosquitto started here; readings land on the entity and in its history, subscribers are
notified, wrong keys and foreign topics never update an entity, bad payloads are counted."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from amqtt.client import MQTTClient
from amqtt.errors import ConnectError
from fastapi import FastAPI
from sqlalchemy import func, select

from cityverse.app import create_app
from cityverse.core.auth import service
from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings
from cityverse.modules.twin.models import TwinAttributeInstance
from cityverse.modules.twin.telemetry import devices, keys, wire
from conftest import _empty_tables, client_for, make_settings
from tests_support import PASSWORD
from tests_support_telemetry import Receiver, subscribe_to_pm25, wait_until

SignedInFactory = Callable[..., Awaitable[httpx.AsyncClient]]
AIR = "urn:ngsi-ld:AirQualityObserved:ks-aq-001"
TOPIC = "cityverse/default/devices/ks-aq-001/attrs"
VOCAB = "https://uri.etsi.org/ngsi-ld/default-context/"
INGEST_USER, INGEST_PASSWORD = "cityverse-ingest", "ingest-secret-for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port



@pytest.fixture
def settings(migrated: str, tmp_path: Path) -> Settings:
    return make_settings(migrated, tmp_path).model_copy(update={
        "mqtt_embedded": True, "mqtt_port": free_port(), "twin_ingest_batch_wait_ms": 5})



async def sensor_with_device(officer: httpx.AsyncClient, device_id: str = "ks-aq-001") -> str:
    entity_id = f"urn:ngsi-ld:AirQualityObserved:{device_id}"
    created = await officer.post("/ngsi-ld/v1/entities", json={
        "id": entity_id, "type": "AirQualityObserved",
        "pm25": {"type": "Property", "value": 20, "unitCode": "GQ"}})
    assert created.status_code == 201, created.text
    device = await officer.post("/api/twin/devices",
                                json={"device_id": device_id, "entity_id": entity_id})
    assert device.status_code == 201
    key: str = device.json()["key"]
    return key


def broker_url(settings: Settings) -> str:
    return f"mqtt://127.0.0.1:{settings.mqtt_port}"


async def pm25(officer: httpx.AsyncClient, entity_id: str = AIR) -> Any:
    return (await officer.get(f"/ngsi-ld/v1/entities/{entity_id}")).json()["pm25"]


async def test_embedded_broker_ingests_readings_into_entity_history_and_notifications(
    app: FastAPI, settings: Settings, officer: httpx.AsyncClient,
) -> None:
    key = await sensor_with_device(officer)
    receiver = Receiver()
    try:
        await subscribe_to_pm25(officer, receiver)
        device = await wire.Publisher.connect(broker_url(settings), "ks-aq-001", key)
        for value in (31.0, 35.5, 40.25):
            device.publish(TOPIC, json.dumps({"pm25": value, "no2": 12}).encode())
        # Observed an hour from now (a device clock ahead): still the newest, kept in UTC.
        later = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
        device.publish(TOPIC, json.dumps({"pm25": 41.0, "observedAt": later.astimezone(
            timezone(timedelta(hours=8))).isoformat()}).encode())
        await device.drain()
        telemetry = app.state.twin_telemetry
        await wait_until(lambda: telemetry.pipeline.counters.accepted == 4)
        latest = await pm25(officer)
        assert latest["value"] == 41.0 and latest["unitCode"] == "GQ"
        assert latest["observedAt"] == later.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        async with app.state.sessionmaker() as session:
            values = list(await session.scalars(
                select(TwinAttributeInstance.instance).where(
                    TwinAttributeInstance.attr_iri == VOCAB + "pm25")
                .order_by(TwinAttributeInstance.id)))
        assert [v["value"] for v in values] == [20, 31.0, 35.5, 40.25, 41.0]
        bodies = await receiver.wait_for(1)
        assert bodies[0]["data"][0]["id"] == AIR
        status = (await officer.get("/api/twin/ingest/status")).json()
        assert status["broker"] == "embedded" and status["accepted"] == 4
        assert status["rejected"] == 0
        await device.close()
    finally:
        receiver.close()


async def test_wrong_key_and_foreign_topic_never_update_an_entity(
    app: FastAPI, settings: Settings, officer: httpx.AsyncClient,
) -> None:
    key = await sensor_with_device(officer)
    other_key = await sensor_with_device(officer, "ks-aq-002")
    with pytest.raises(wire.ConnectRefused):
        await wire.Publisher.connect(broker_url(settings), "ks-aq-001", "wrong" + key[5:])
    with pytest.raises(wire.ConnectRefused):
        await wire.Publisher.connect(broker_url(settings), "nobody", key)
    # ks-aq-002 connects with its own key but publishes on ks-aq-001's topic: dropped.
    intruder = await wire.Publisher.connect(broker_url(settings), "ks-aq-002", other_key)
    intruder.publish(TOPIC, b'{"pm25": 999}')
    intruder.publish("cityverse/default/devices/ks-aq-002/attrs", b'{"pm25": 5}')
    await intruder.drain()
    telemetry = app.state.twin_telemetry
    await wait_until(lambda: telemetry.pipeline.counters.accepted == 1)
    assert (await pm25(officer))["value"] == 20
    assert (await pm25(officer, "urn:ngsi-ld:AirQualityObserved:ks-aq-002"))["value"] == 5
    # A disabled device can no longer connect.
    await officer.put("/api/twin/devices/ks-aq-001/state", json={"enabled": False})
    with pytest.raises(wire.ConnectRefused):
        await wire.Publisher.connect(broker_url(settings), "ks-aq-001", key)
    await intruder.close()


async def test_bad_payloads_are_counted_and_ingest_goes_on(
    app: FastAPI, settings: Settings, officer: httpx.AsyncClient,
) -> None:
    key = await sensor_with_device(officer)
    device = await wire.Publisher.connect(broker_url(settings), "ks-aq-001", key)
    for bad in (b"not json", b"[]", b'{"pm25": NaN}', b'{"type": "Hack"}', b"{}",
                b'{"pm25": 1, "observedAt": "yesterday"}', b'{"pm25": null}'):
        device.publish(TOPIC, bad)
    device.publish(TOPIC, b'{"pm25": 55.5}')
    await device.drain()
    telemetry = app.state.twin_telemetry
    await wait_until(lambda: telemetry.pipeline.counters.accepted == 1)
    assert telemetry.pipeline.counters.rejected == 7
    assert (await pm25(officer))["value"] == 55.5
    status = (await officer.get("/api/twin/ingest/status")).json()
    assert status["rejected"] == 7 and status["last_error"]
    await device.close()


async def test_a_standard_mqtt_client_can_publish(
    app: FastAPI, settings: Settings, officer: httpx.AsyncClient,
) -> None:
    key = await sensor_with_device(officer)
    client = MQTTClient(client_id="ks-aq-001", config={"auto_reconnect": False})
    await client.connect(f"mqtt://ks-aq-001:{key}@127.0.0.1:{settings.mqtt_port}")
    await client.publish(TOPIC, b'{"pm25": 12.5}', qos=1)
    await client.disconnect()
    telemetry = app.state.twin_telemetry
    await wait_until(lambda: telemetry.pipeline.counters.accepted == 1)
    assert (await pm25(officer))["value"] == 12.5
    refused = MQTTClient(client_id="x", config={"auto_reconnect": False})
    with pytest.raises(ConnectError):
        await refused.connect(f"mqtt://ks-aq-001:wrong@127.0.0.1:{settings.mqtt_port}")


# External broker ----------------------------------------------------------------------


class Mosquitto:
    """Debian's mosquitto on a free port, devices checked against the registry's password
    file, each device allowed to write its own topic only."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.passwords = folder / "passwords"
        self.passwords.write_text(self.ingest_line())
        acl = folder / "acl"
        acl.write_text(f"user {INGEST_USER}\ntopic read cityverse/#\n\n"
                       "pattern write cityverse/+/devices/%u/attrs\n")
        config = folder / "mosquitto.conf"
        config.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous false\n"
                          f"password_file {self.passwords}\nacl_file {acl}\n"
                          # Started as root it would drop to user mosquitto, who cannot
                          # read pytest's private temporary folder.
                          "persistence false\nuser root\n")
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.process = subprocess.Popen([binary, "-c", str(config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    @staticmethod
    def ingest_line() -> str:
        return f"{INGEST_USER}:{keys.hash_key(INGEST_PASSWORD)}\n"

    def reload(self, device_lines: str) -> None:
        self.passwords.write_text(self.ingest_line() + device_lines)
        os.kill(self.process.pid, signal.SIGHUP)
        time.sleep(0.3)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    if shutil.which("mosquitto") is None and not Path("/usr/sbin/mosquitto").exists():
        pytest.fail("mosquitto is not installed (scripts/system-deps.sh installs it)")
    broker = Mosquitto(tmp_path)
    yield broker
    broker.stop()


@pytest.fixture
async def external_app(
    migrated: str, tmp_path: Path, mosquitto: Mosquitto
) -> AsyncIterator[FastAPI]:
    settings = make_settings(migrated, tmp_path).model_copy(update={
        "mqtt_url": f"mqtt://{INGEST_USER}:{INGEST_PASSWORD}@127.0.0.1:{mosquitto.port}",
        "twin_ingest_batch_wait_ms": 5})
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        await _empty_tables(application)
        yield application


async def test_external_mosquitto_ingest_with_registry_passwords(
    external_app: FastAPI, mosquitto: Mosquitto,
) -> None:
    async with client_for(external_app) as officer:
        async with external_app.state.sessionmaker() as session, session.begin():
            await service.create_user(session, username="ops_ext", password=PASSWORD,
                                      display_name="ops", roles=[Role.OFFICER])
        login = await officer.post("/api/auth/login",
                                   json={"username": "ops_ext", "password": PASSWORD})
        assert login.status_code == 200
        key = await sensor_with_device(officer)
        async with external_app.state.sessionmaker() as session:
            mosquitto.reload(await devices.password_file(session))
        telemetry = external_app.state.twin_telemetry
        await wait_until(lambda: telemetry.connected, within=15)
        url = f"mqtt://127.0.0.1:{mosquitto.port}"
        with pytest.raises(wire.ConnectRefused):
            await wire.Publisher.connect(url, "ks-aq-001", "wrong-key")
        device = await wire.Publisher.connect(url, "ks-aq-001", key)
        # Mosquitto's ACL drops a publication on another device's topic.
        device.publish("cityverse/default/devices/ks-aq-002/attrs", b'{"pm25": 999}')
        device.publish(TOPIC, b'{"pm25": 66.5}')
        await device.drain()
        await wait_until(lambda: telemetry.pipeline.counters.accepted == 1)
        assert (await pm25(officer))["value"] == 66.5
        status = (await officer.get("/api/twin/ingest/status")).json()
        assert status["broker"] == "external" and status["connected"] is True
        assert INGEST_PASSWORD not in status["broker_address"]
        async with external_app.state.sessionmaker() as session:
            count = await session.scalar(select(func.count()).select_from(TwinAttributeInstance)
                                         .where(TwinAttributeInstance.attr_iri == VOCAB + "pm25"))
        assert count == 2
        await device.close()


async def test_a_taken_port_leaves_the_platform_serving(
    migrated: str, tmp_path: Path, settings: Settings,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        application = create_app(settings.model_copy(update={"mqtt_port": port}))
        async with application.router.lifespan_context(application):
            assert application.state.twin_telemetry.mode == "off"
