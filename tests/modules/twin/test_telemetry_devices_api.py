"""The device registry (create, list, rotate, disable; who may) and the HTTP bulk ingest
(device key or officer, per-reading errors, nothing half-written, history and notifier)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from cityverse.core.audit import AuditEvent
from cityverse.core.auth.policy import Role
from cityverse.modules.twin.changes import Change
from cityverse.modules.twin.models import TwinAttributeInstance
from cityverse.modules.twin.telemetry import keys

SignedInFactory = Callable[..., Awaitable[httpx.AsyncClient]]
AIR = "urn:ngsi-ld:AirQualityObserved:ks-aq-001"
VOCAB = "https://uri.etsi.org/ngsi-ld/default-context/"



async def make_sensor(officer: httpx.AsyncClient, entity_id: str = AIR) -> None:
    response = await officer.post("/ngsi-ld/v1/entities", json={
        "id": entity_id, "type": entity_id.split(":")[2],
        "pm25": {"type": "Property", "value": 20, "unitCode": "GQ"},
        "location": {"type": "GeoProperty",
                     "value": {"type": "Point", "coordinates": [120.98, 31.38]}},
    })
    assert response.status_code == 201, response.text


async def register(officer: httpx.AsyncClient, device_id: str = "ks-aq-001",
                   entity_id: str = AIR, **extra: Any) -> dict[str, Any]:
    response = await officer.post("/api/twin/devices", json={
        "device_id": device_id, "entity_id": entity_id, **extra})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def entity(officer: httpx.AsyncClient, entity_id: str = AIR) -> dict[str, Any]:
    response = await officer.get(f"/ngsi-ld/v1/entities/{entity_id}")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_register_list_rotate_disable_with_audit(
    app: FastAPI, officer: httpx.AsyncClient
) -> None:
    created = await register(officer, attribute_map={"pm2_5": "pm25"})
    assert created["mqtt_topic"] == "cityverse/default/devices/ks-aq-001/attrs"
    assert len(created["key"]) >= 40 and created["device"]["enabled"] is True
    again = await officer.post("/api/twin/devices",
                               json={"device_id": "ks-aq-001", "entity_id": AIR})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "twin_device_exists"
    await register(officer, "ks-aq-002", "urn:ngsi-ld:AirQualityObserved:ks-aq-002")
    listed = (await officer.get("/api/twin/devices", params={"size": 1})).json()
    assert listed["total"] == 2 and [d["device_id"] for d in listed["items"]] == ["ks-aq-001"]
    filtered = (await officer.get("/api/twin/devices", params={"entity_id": AIR})).json()
    assert filtered["total"] == 1
    assert (await officer.get("/api/twin/devices", params={"sort": "key_hash"})
            ).status_code == 422
    # The key is stored only as a hash, which the key matches.
    async with app.state.sessionmaker() as session:
        from cityverse.modules.twin.telemetry.devices import find
        device = await find(session, "ks-aq-001")
        assert device is not None and created["key"] not in device.key_hash
        assert keys.key_matches(created["key"], device.key_hash)
    rotated = await officer.post("/api/twin/devices/ks-aq-001/rotate-key")
    assert rotated.status_code == 200 and rotated.json()["key"] != created["key"]
    disabled = await officer.put("/api/twin/devices/ks-aq-001/state", json={"enabled": False})
    assert disabled.status_code == 200 and disabled.json()["enabled"] is False
    assert (await officer.get("/api/twin/devices/nope")).status_code == 404
    async with app.state.sessionmaker() as session:
        actions = list(await session.scalars(
            select(AuditEvent.action).where(AuditEvent.target_type == "twin_device")))
    assert sorted(actions) == ["twin.device.create", "twin.device.create",
                               "twin.device.disable", "twin.device.rotate_key"]


async def test_only_officers_and_admins_manage_devices(
    signed_in: SignedInFactory, client: httpx.AsyncClient
) -> None:
    visitor = await signed_in("visitor1", Role.VISITOR)
    enterprise = await signed_in("member1", Role.ENTERPRISE)
    admin = await signed_in("admin1", Role.ADMIN)
    for caller in (visitor, enterprise):
        assert (await caller.get("/api/twin/devices")).status_code == 403
        assert (await caller.post("/api/twin/devices", json={
            "device_id": "x1", "entity_id": AIR})).status_code == 403
        assert (await caller.post("/api/twin/ingest", json={"readings": [
            {"device_id": "x1", "attrs": {"pm25": 1}}]})).status_code == 403
    assert (await client.post("/api/twin/ingest", json={"readings": [
        {"device_id": "x1", "attrs": {"pm25": 1}}]})).status_code == 401
    assert (await admin.post("/api/twin/devices", json={
        "device_id": "x1", "entity_id": AIR})).status_code == 201


async def test_device_posts_its_readings_with_its_key(
    app: FastAPI, officer: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await make_sensor(officer)
    created = await register(officer, attribute_map={"pm2_5": "pm25"})
    heard: list[Change] = []
    real_publish = app.state.twin_notifier.publish
    app.state.twin_notifier.publish = lambda changes: (heard.extend(changes),
                                                       real_publish(changes))
    headers = {"X-Device-Id": "ks-aq-001", "X-Device-Key": created["key"]}
    response = await client.post("/api/twin/ingest", headers=headers, json={"readings": [
        {"attrs": {"pm2_5": 31.5, "no2": 40}, "observed_at": "2026-11-24T01:00:00Z"},
        {"attrs": {"pm2_5": 33.0}, "observed_at": "2026-11-24T01:01:00Z"},
    ]})
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": 2, "entities": 1}
    shown = await entity(officer)
    assert shown["pm25"]["value"] == 33.0 and shown["pm25"]["unitCode"] == "GQ"
    assert shown["pm25"]["observedAt"] == "2026-11-24T01:01:00.000Z"
    assert shown["no2"]["value"] == 40
    async with app.state.sessionmaker() as session:
        series = list(await session.scalars(
            select(TwinAttributeInstance.instance).where(
                TwinAttributeInstance.attr_iri == VOCAB + "pm25")
            .order_by(TwinAttributeInstance.id)))
    assert [i["value"] for i in series] == [20, 31.5, 33.0]
    assert heard and heard[0].entity.id == AIR and VOCAB + "pm25" in heard[0].attrs
    wrong = await client.post("/api/twin/ingest", headers={**headers, "X-Device-Key": "nope"},
                              json={"readings": [{"attrs": {"pm2_5": 99}}]})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "twin_device_key_refused"
    foreign = await client.post("/api/twin/ingest", headers=headers, json={"readings": [
        {"device_id": "other", "attrs": {"pm25": 99}}]})
    assert foreign.status_code == 422
    assert (await entity(officer))["pm25"]["value"] == 33.0


async def test_bad_readings_refuse_the_whole_request(officer: httpx.AsyncClient) -> None:
    await make_sensor(officer)
    await register(officer)
    await register(officer, "ghost", "urn:ngsi-ld:AirQualityObserved:ghost")
    response = await officer.post("/api/twin/ingest", json={"readings": [
        {"device_id": "ks-aq-001", "attrs": {"pm25": 50}},
        {"device_id": "unknown", "attrs": {"pm25": 1}},
        {"device_id": "ks-aq-001", "attrs": {"type": "X"}},
        {"device_id": "ghost", "attrs": {"pm25": 1}},
        {"attrs": {"pm25": 1}},
    ]})
    assert response.status_code == 422, response.text
    fields = {f["field"]: f["code"] for f in response.json()["error"]["fields"]}
    assert fields == {"readings.4.device_id": "required"}
    response = await officer.post("/api/twin/ingest", json={"readings": [
        {"device_id": "ks-aq-001", "attrs": {"pm25": 50}},
        {"device_id": "unknown", "attrs": {"pm25": 1}},
        {"device_id": "ks-aq-001", "attrs": {"type": "X"}},
        {"device_id": "ghost", "attrs": {"pm25": 1}},
    ]})
    assert response.status_code == 422
    fields = {f["field"]: f["code"] for f in response.json()["error"]["fields"]}
    assert fields == {"readings.1": "twin_unknown_device", "readings.2": "twin_bad_reading",
                      "readings.3": "twin_no_entity"}
    assert (await entity(officer))["pm25"]["value"] == 20  # nothing written
    too_many = await officer.post("/api/twin/ingest", json={"readings": [
        {"device_id": "ks-aq-001", "attrs": {"pm25": 1}}] * 1001})
    assert too_many.status_code == 422
    status = (await officer.get("/api/twin/ingest/status")).json()
    assert status["broker"] == "off" and status["rejected"] == 9


async def test_disabled_device_is_refused(
    officer: httpx.AsyncClient, client: httpx.AsyncClient, app: FastAPI
) -> None:
    await make_sensor(officer)
    created = await register(officer)
    await officer.put("/api/twin/devices/ks-aq-001/state", json={"enabled": False})
    response = await client.post(
        "/api/twin/ingest", headers={"X-Device-Id": "ks-aq-001", "X-Device-Key": created["key"]},
        json={"readings": [{"attrs": {"pm25": 70}}]})
    assert response.status_code == 401
    async with app.state.sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(TwinAttributeInstance))
    assert count == 2  # pm25 and location at the entity's creation only


async def test_devices_filter_by_type_and_search(officer: httpx.AsyncClient) -> None:
    await register(officer, "ks-aq-001", AIR)
    await register(officer, "ks-wl-007", "urn:ngsi-ld:WaterObserved:ks-wl-007")
    await register(officer, "Pump_50", "urn:ngsi-ld:WaterObserved:pump%50")

    async def ids(**params: Any) -> list[str]:
        response = await officer.get("/api/twin/devices", params=params)
        assert response.status_code == 200, response.text
        return [d["device_id"] for d in response.json()["items"]]

    assert sorted(await ids(type="WaterObserved")) == ["Pump_50", "ks-wl-007"]
    assert await ids(type="AirQualityObserved", enabled=True) == ["ks-aq-001"]
    assert await ids(q="WL-0") == ["ks-wl-007"]  # case-insensitive, device or entity id
    assert await ids(q="pump%5") == ["Pump_50"]
    assert await ids(q="%") == ["Pump_50"]  # LIKE wildcards are plain text
    assert await ids(q="p_mp") == []
    assert (await officer.get("/api/twin/devices", params={"type": "urn:x"})).status_code == 422


async def test_last_seen_follows_accepted_readings_only(
    officer: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await make_sensor(officer)
    created = await register(officer)
    assert created["device"]["last_seen_at"] is None
    headers = {"X-Device-Id": "ks-aq-001", "X-Device-Key": created["key"]}
    refused = await client.post("/api/twin/ingest", headers=headers,
                                json={"readings": [{"attrs": {"id": 1}}]})
    assert refused.status_code == 422
    assert (await officer.get("/api/twin/devices/ks-aq-001")).json()["last_seen_at"] is None
    accepted = await client.post("/api/twin/ingest", headers=headers,
                                 json={"readings": [{"attrs": {"pm25": 12}}]})
    assert accepted.status_code == 200, accepted.text
    shown = (await officer.get("/api/twin/devices/ks-aq-001")).json()
    assert shown["last_seen_at"] is not None
    listed = (await officer.get("/api/twin/devices")).json()["items"]
    assert listed[0]["last_seen_at"] == shown["last_seen_at"]
