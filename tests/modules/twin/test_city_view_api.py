"""The city view's reads: the GeoJSON layer (short names, kinds, ETag), the sensor replay in
time buckets, and the live feed on /ws/twin (who may listen, what a change looks like, and
that a viewer that never reads does not hold up the broker)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings
from cityverse.modules.twin import feed
from realtime.world_support import LiveWorld, serve_world, world_test_config

SignedInFactory = Callable[..., Awaitable[httpx.AsyncClient]]
BASE = "/ngsi-ld/v1"
SENSOR = "urn:ngsi-ld:AirQualityObserved:kunshan:test-01"
BUILDING = "urn:ngsi-ld:Building:kunshan:test-hall"


def ago(minutes: float) -> str:
    moment = datetime.now(UTC) - timedelta(minutes=minutes)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def building() -> dict[str, Any]:
    return {
        "id": BUILDING, "type": "Building", "name": {"type": "Property", "value": "测试展馆"},
        "address": {"type": "Property", "value": {"addressLocality": "昆山市",
                                                  "streetAddress": "前进西路1号"}},
        "height": {"type": "Property", "value": 42},
        "location": {"type": "GeoProperty", "value": {"type": "Polygon", "coordinates": [[
            [120.95, 31.38], [120.951, 31.38], [120.951, 31.381], [120.95, 31.38]]]}},
    }


def sensor(pm25: float, minutes_ago: float = 0) -> dict[str, Any]:
    return {
        "id": SENSOR, "type": "AirQualityObserved",
        "name": {"type": "Property", "value": "测试空气站"},
        "pm25": {"type": "Property", "value": pm25, "observedAt": ago(minutes_ago)},
        "location": {"type": "GeoProperty",
                     "value": {"type": "Point", "coordinates": [120.96, 31.39]}},
    }



async def test_layer_is_compact_geojson_with_an_etag(officer: httpx.AsyncClient) -> None:
    for document in (building(), sensor(35.0)):
        assert (await officer.post(f"{BASE}/entities", json=document)).status_code == 201
    response = await officer.get("/api/twin/view/layer")
    assert response.status_code == 200, response.text
    layer = response.json()
    by_id = {f["id"]: f for f in layer["features"]}
    hall = by_id[BUILDING]["properties"]
    assert hall["kind"] == "building" and hall["type"] == "Building"
    assert hall["name"] == "测试展馆" and hall["address"] == "昆山市前进西路1号"
    assert hall["values"] == {"height": 42}
    station = by_id[SENSOR]["properties"]
    assert station["kind"] == "sensor" and station["values"] == {"pm25": 35.0}
    assert station["observedAt"] is not None
    assert by_id[SENSOR]["geometry"] == {"type": "Point", "coordinates": [120.96, 31.39]}

    etag = response.headers["etag"]
    unchanged = await officer.get("/api/twin/view/layer", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    await officer.patch(f"{BASE}/entities/{SENSOR}/attrs",
                        json={"pm25": {"type": "Property", "value": 80.0}})
    changed = await officer.get("/api/twin/view/layer", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    values = {f["id"]: f["properties"]["values"] for f in changed.json()["features"]}
    assert values[SENSOR]["pm25"] == 80.0


async def test_a_visitor_reads_the_layer_and_anonymous_callers_do_not(
    signed_in: SignedInFactory, client: httpx.AsyncClient,
) -> None:
    visitor = await signed_in("guest", Role.VISITOR)
    assert (await visitor.get("/api/twin/view/layer")).status_code == 200
    assert (await client.get("/api/twin/view/layer")).status_code == 401
    assert (await client.get("/api/twin/view/replay")).status_code == 401


async def test_replay_buckets_the_last_hours(officer: httpx.AsyncClient) -> None:
    series = [sensor(value, minutes_ago=m) for value, m in [(10.0, 170), (20.0, 100), (30.0, 5)]]
    response = await officer.post(f"{BASE}/temporal/entities", json={
        **series[0], "pm25": [s["pm25"] for s in series]})
    assert response.status_code == 201, response.text
    await officer.post(f"{BASE}/entities", json=building())  # not a sensor: not replayed

    replay = (await officer.get("/api/twin/view/replay",
                                params={"hours": 3, "buckets": 6})).json()
    assert replay["buckets"] == 6 and replay["bucketSeconds"] == pytest.approx(1800, abs=1)
    assert [s["id"] for s in replay["series"]] == [SENSOR]
    # 30-minute buckets: 170 min ago is in bucket 0, 100 min ago in 2, 5 min ago in 5.
    assert replay["series"][0] == {"id": SENSOR, "attr": "pm25",
                                   "values": [10.0, 10.0, 20.0, 20.0, 20.0, 30.0]}
    refused = await officer.get("/api/twin/view/replay", params={"hours": 48})
    assert refused.status_code == 422


async def test_each_bucket_replays_its_last_numeric_value(officer: httpx.AsyncClient) -> None:
    # Thirty readings per 30-minute bucket, written oldest last so the insertion order is not
    # the time order; a text and a flag at the very end of bucket 4 are not numbers to draw.
    readings = [(float(bucket * 100 + n), bucket * 30 + 29.5 - n)
                for bucket in range(6) for n in range(30)]
    instances = [sensor(value, minutes_ago=180 - m)["pm25"] for value, m in reversed(readings)]
    instances += [{"type": "Property", "value": "offline", "observedAt": ago(180 - 149.9)},
                  {"type": "Property", "value": True, "observedAt": ago(180 - 149.8)}]
    response = await officer.post(f"{BASE}/temporal/entities",
                                  json={**sensor(0), "pm25": instances})
    assert response.status_code == 201, response.text

    replay = (await officer.get("/api/twin/view/replay",
                                params={"hours": 3, "buckets": 6})).json()
    # Bucket b's latest reading is n = 0, written at b·30 + 29.5 minutes into the window.
    assert replay["series"] == [{"id": SENSOR, "attr": "pm25",
                                 "values": [0.0, 100.0, 200.0, 300.0, 400.0, 500.0]}]


async def test_readings_older_than_the_window_are_not_replayed(
    officer: httpx.AsyncClient
) -> None:
    old = [sensor(value, minutes_ago=m)["pm25"] for value, m in [(1.0, 300), (2.0, 181)]]
    recent = [sensor(value, minutes_ago=m)["pm25"] for value, m in [(20.0, 100), (30.0, 5)]]
    response = await officer.post(f"{BASE}/temporal/entities",
                                  json={**sensor(0), "pm25": [*old, *recent]})
    assert response.status_code == 201, response.text

    replay = (await officer.get("/api/twin/view/replay",
                                params={"hours": 3, "buckets": 6})).json()
    # Nothing is carried in from before the window: null until the first reading inside it.
    assert replay["series"][0]["values"] == [None, None, 20.0, 20.0, 20.0, 30.0]


# The live feed -------------------------------------------------------------------------


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveWorld]:
    async for served in serve_world(settings, world_test_config(settings)):
        yield served


async def officer_client(live: LiveWorld) -> tuple[httpx.AsyncClient, str]:
    _, cookie = await live.user("ops", Role.OFFICER)
    return httpx.AsyncClient(base_url=live.base, cookies={"cv_session": cookie}), cookie


async def next_update(ws: Any) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if message["kind"] == "update":
            return message


async def test_live_feed_pushes_changed_values(live: LiveWorld) -> None:
    http, cookie = await officer_client(live)
    async with http, connect(f"{live.ws_base}/ws/twin",
                             additional_headers={"Cookie": f"cv_session={cookie}"}) as ws:
        assert json.loads(await ws.recv()) == {"kind": "hello"}
        assert (await http.post(f"{BASE}/entities", json=sensor(12.0))).status_code == 201
        created = (await next_update(ws))["entities"][0]
        assert created["id"] == SENSOR and created["type"] == "AirQualityObserved"
        assert created["values"] == {"name": "测试空气站", "pm25": 12.0}
        await http.patch(f"{BASE}/entities/{SENSOR}/attrs", json={
            "pm25": {"type": "Property", "value": 77.5, "observedAt": ago(0)}})
        changed = (await next_update(ws))["entities"][0]
        assert changed["values"] == {"pm25": 77.5} and changed["observedAt"]
        await http.delete(f"{BASE}/entities/{SENSOR}")
        assert (await next_update(ws))["entities"] == [{"id": SENSOR, "deleted": True}]


async def test_live_feed_refuses_callers_without_a_session(live: LiveWorld) -> None:
    for headers in ({}, {"Cookie": "cv_session=stale"}):
        async with connect(f"{live.ws_base}/ws/twin", additional_headers=headers) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == feed.CLOSE_NOT_AUTHENTICATED


async def test_a_viewer_that_never_reads_does_not_slow_the_broker(live: LiveWorld) -> None:
    http, cookie = await officer_client(live)
    stalled = await connect(f"{live.ws_base}/ws/twin", max_size=None,
                            additional_headers={"Cookie": f"cv_session={cookie}"})
    stalled.transport.pause_reading()  # the socket fills up; the feed must drop, not wait
    async with http, connect(f"{live.ws_base}/ws/twin",
                             additional_headers={"Cookie": f"cv_session={cookie}"}) as ws:
        await ws.recv()
        await http.post(f"{BASE}/entities", json=sensor(1.0))
        started = time.monotonic()
        for value in range(200):
            response = await http.patch(f"{BASE}/entities/{SENSOR}/attrs", json={
                "pm25": {"type": "Property", "value": float(value)}})
            assert response.status_code == 204
        assert time.monotonic() - started < 30
        seen = 0.0
        while seen != 199.0:  # the reading viewer still gets the latest value
            update = (await next_update(ws))["entities"][0]
            seen = update["values"].get("pm25", seen)
    stalled.transport.resume_reading()
    await stalled.close()


async def test_a_full_viewer_queue_drops_its_oldest_frames() -> None:
    viewer = feed.Viewer(limit=3)
    for frame in "abcde":
        viewer.offer(frame)
    assert viewer.dropped == 2
    assert [await viewer.next_frame() for _ in range(3)] == ["c", "d", "e"]
