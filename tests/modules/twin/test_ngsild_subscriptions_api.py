"""NGSI-LD subscriptions and notifications, delivered to real HTTP receivers on 127.0.0.1:
matching, formats, throttling, periodic notifications, status, and isolation of a dead
endpoint from a live one."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from cityverse.core.audit import AuditEvent

SignedInFactory = Callable[..., Awaitable[httpx.AsyncClient]]
BASE = "/ngsi-ld/v1"
ROAD = "urn:ngsi-ld:TrafficFlowObserved:qianjin-east"


class Receiver:
    """An HTTP server that records what it is sent; `hang` makes it never answer."""

    def __init__(self, *, hang: bool = False, status: int = 204) -> None:
        self.received: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.release = threading.Event()
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length))
                if hang:
                    receiver.release.wait(10)
                with receiver.arrived:
                    receiver.received.append((dict(self.headers), body))
                    receiver.arrived.notify_all()
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/notify"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    async def wait_for(self, count: int, within: float = 5.0) -> list[dict[str, Any]]:
        def wait() -> None:
            with self.arrived:
                self.arrived.wait_for(lambda: len(self.received) >= count, within)

        await asyncio.to_thread(wait)
        return [body for _, body in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()



def subscription(uri: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "Subscription", "entities": [{"type": "TrafficFlowObserved"}],
        "notification": {"endpoint": {"uri": uri}}, **extra,
    }


async def road(officer: httpx.AsyncClient, intensity: int = 100) -> None:
    response = await officer.post(f"{BASE}/entities", json={
        "id": ROAD, "type": "TrafficFlowObserved",
        "intensity": {"type": "Property", "value": intensity},
        "congested": {"type": "Property", "value": False},
    })
    assert response.status_code == 201


async def set_intensity(officer: httpx.AsyncClient, value: int) -> None:
    response = await officer.patch(f"{BASE}/entities/{ROAD}/attrs",
                                   json={"intensity": {"type": "Property", "value": value}})
    assert response.status_code == 204


async def test_subscription_crud_and_status(
    app: FastAPI, officer: httpx.AsyncClient, receiver: Receiver
) -> None:
    created = await officer.post(f"{BASE}/subscriptions", json=subscription(
        receiver.url, id="urn:ngsi-ld:Subscription:s1", watchedAttributes=["intensity"]))
    assert created.status_code == 201, created.text
    assert created.headers["location"].endswith("urn:ngsi-ld:Subscription:s1")
    again = await officer.post(f"{BASE}/subscriptions", json=subscription(
        receiver.url, id="urn:ngsi-ld:Subscription:s1"))
    assert again.status_code == 409
    shown = (await officer.get(f"{BASE}/subscriptions/urn:ngsi-ld:Subscription:s1")).json()
    assert shown["status"] == "active" and shown["notification"]["timesSent"] == 0
    listed = await officer.get(f"{BASE}/subscriptions", params={"count": "true"})
    assert listed.headers["ngsild-results-count"] == "1"
    paused = await officer.patch(f"{BASE}/subscriptions/urn:ngsi-ld:Subscription:s1",
                                 json={"isActive": False})
    assert paused.status_code == 204
    assert (await officer.get(f"{BASE}/subscriptions/urn:ngsi-ld:Subscription:s1")
            ).json()["status"] == "paused"
    assert (await officer.delete(f"{BASE}/subscriptions/urn:ngsi-ld:Subscription:s1")
            ).status_code == 204
    assert (await officer.get(f"{BASE}/subscriptions/urn:ngsi-ld:Subscription:s1")
            ).status_code == 404
    # Where the city's data goes is audited at each write, the refused duplicate not at all.
    async with app.state.sessionmaker() as session:
        events = list(await session.scalars(
            select(AuditEvent).where(AuditEvent.target_type == "twin_subscription")
            .order_by(AuditEvent.id)))
    assert [(e.action, e.actor_name, e.target_id) for e in events] == [
        ("twin.subscription.create", "ops", "urn:ngsi-ld:Subscription:s1"),
        ("twin.subscription.update", "ops", "urn:ngsi-ld:Subscription:s1"),
        ("twin.subscription.delete", "ops", "urn:ngsi-ld:Subscription:s1")]
    assert events[0].after is not None and events[0].after["endpoint"] == receiver.url
    assert events[1].before is not None and events[1].before["isActive"] is True
    assert events[1].after is not None and events[1].after["isActive"] is False


@pytest.mark.parametrize("document", [
    {"type": "Subscription", "notification": {"endpoint": {"uri": "http://127.0.0.1/n"}}},
    {"type": "Subscription", "entities": [{"type": "T"}], "notification": {}},
    {"type": "Subscription", "entities": [{"type": "T"}],
     "notification": {"endpoint": {"uri": "ftp://example.org/x"}}},
    {"type": "Subscription", "entities": [{"type": "T"}], "expiresAt": "2001-01-01T00:00:00Z",
     "notification": {"endpoint": {"uri": "http://127.0.0.1/n"}}},
    {"type": "Subscription", "entities": [{"type": "T"}], "timeInterval": 5,
     "watchedAttributes": ["a"], "notification": {"endpoint": {"uri": "http://127.0.0.1/n"}}},
    {"type": "Subscription", "entities": [{"type": "T"}], "q": "a==",
     "notification": {"endpoint": {"uri": "http://127.0.0.1/n"}}},
    {"type": "Subscription", "entities": [{"type": "T"}], "surprise": 1,
     "notification": {"endpoint": {"uri": "http://127.0.0.1/n"}}},
])
async def test_bad_subscriptions_are_refused(
    officer: httpx.AsyncClient, document: dict[str, Any]
) -> None:
    response = await officer.post(f"{BASE}/subscriptions", json=document)
    assert response.status_code == 400, response.text
    assert (await officer.get(f"{BASE}/subscriptions")).json() == []


async def test_watched_attributes_q_format_and_receiver_info(
    officer: httpx.AsyncClient, receiver: Receiver
) -> None:
    await road(officer)
    await officer.post(f"{BASE}/subscriptions", json=subscription(
        receiver.url, watchedAttributes=["intensity"], q="intensity>500",
        notification={"endpoint": {"uri": receiver.url, "receiverInfo": [
            {"key": "X-City", "value": "kunshan"}]},
            "format": "keyValues", "attributes": ["intensity"]}))
    await set_intensity(officer, 300)  # q does not match
    await officer.patch(f"{BASE}/entities/{ROAD}/attrs",
                        json={"congested": {"type": "Property", "value": True}})  # not watched
    await set_intensity(officer, 900)
    bodies = await receiver.wait_for(1)
    await asyncio.sleep(0.3)
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert headers["X-City"] == "kunshan"
    assert body["type"] == "Notification" and body["data"] == [
        {"id": ROAD, "type": "TrafficFlowObserved", "intensity": 900}]
    assert bodies[0]["subscriptionId"].startswith("urn:ngsi-ld:Subscription:")
    await asyncio.sleep(0.2)
    status = (await officer.get(f"{BASE}/subscriptions")).json()[0]["notification"]
    assert status["timesSent"] == 1 and status["status"] == "ok" and "lastSuccess" in status


async def test_a_hanging_endpoint_never_delays_another(
    officer: httpx.AsyncClient, receiver: Receiver
) -> None:
    stuck = Receiver(hang=True)
    try:
        await road(officer)
        for uri in (stuck.url, receiver.url):
            assert (await officer.post(f"{BASE}/subscriptions",
                                       json=subscription(uri))).status_code == 201
        started = time.monotonic()
        await set_intensity(officer, 1)
        await set_intensity(officer, 2)
        await receiver.wait_for(2, within=3)
        assert len(receiver.received) == 2
        assert time.monotonic() - started < 2.5
        assert stuck.received == []
    finally:
        stuck.close()


async def test_failures_are_retried_and_recorded(officer: httpx.AsyncClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/gone"
    await road(officer)
    await officer.post(f"{BASE}/subscriptions", json=subscription(dead))
    await set_intensity(officer, 5)
    deadline = time.monotonic() + 8
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status = (await officer.get(f"{BASE}/subscriptions")).json()[0]["notification"]
        if "lastFailure" in status:
            break
        await asyncio.sleep(0.1)
    assert status["status"] == "failed" and status["timesSent"] == 0


async def test_throttling_coalesces_changes(officer: httpx.AsyncClient, receiver: Receiver) -> None:
    await road(officer)
    await officer.post(f"{BASE}/subscriptions", json=subscription(receiver.url, throttling=1))
    for value in (1, 2, 3):
        await set_intensity(officer, value)
    bodies = await receiver.wait_for(2, within=3)
    assert len(bodies) == 2
    assert bodies[0]["data"][0]["intensity"]["value"] == 1
    assert bodies[1]["data"][0]["intensity"]["value"] == 3  # the latest state, once


async def test_time_interval_notifies_periodically(
    officer: httpx.AsyncClient, receiver: Receiver
) -> None:
    await road(officer)
    await officer.post(f"{BASE}/subscriptions", json=subscription(receiver.url, timeInterval=0.5))
    bodies = await receiver.wait_for(2, within=4)
    assert len(bodies) >= 2
    assert bodies[0]["data"][0]["id"] == ROAD


async def test_paused_subscriptions_stay_quiet(
    officer: httpx.AsyncClient, receiver: Receiver
) -> None:
    await road(officer)
    await officer.post(f"{BASE}/subscriptions", json=subscription(receiver.url, isActive=False))
    await set_intensity(officer, 7)
    await asyncio.sleep(0.5)
    assert receiver.received == []
