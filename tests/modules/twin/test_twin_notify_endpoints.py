"""Notification endpoints: the guard against private/local addresses (at subscription time and,
after DNS resolution, at delivery time) and MQTT notifications delivered to a real Mosquitto
broker started by the test."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import paho.mqtt.client as mqtt
import pytest
from fastapi import FastAPI
from paho.mqtt.enums import CallbackAPIVersion

from cityverse.modules.twin.endpoints import EndpointGuard, EndpointRefused, forbidden_address

from .test_ngsild_subscriptions_api import BASE, ROAD, Receiver, road, set_intensity, subscription

SignedInFactory = Callable[..., Awaitable[httpx.AsyncClient]]
STRICT = EndpointGuard(allow_private=False)



@pytest.mark.parametrize("uri", [
    "http://127.0.0.1:8080/n", "http://localhost/n", "http://api.localhost/n",
    "http://169.254.169.254/latest/meta-data", "http://10.1.2.3/n", "http://192.168.0.9/n",
    "http://172.16.0.1/n", "http://100.64.0.1/n", "http://[::1]/n", "http://[fd00::1]/n",
    "http://[::ffff:127.0.0.1]/n", "http://0.0.0.0/n", "mqtt://192.168.1.2/city/topic",
])
def test_private_and_local_endpoints_are_refused(uri: str) -> None:
    with pytest.raises(Exception, match="address"):
        STRICT.check_uri(uri)
    EndpointGuard(allow_private=True).check_uri(uri)  # allowed when the setting says so


@pytest.mark.parametrize("uri", ["http://8.8.8.8/n", "https://notify.example.org/n",
                                 "mqtts://[2001:4860:4860::8888]:8883/t"])
def test_public_endpoints_pass(uri: str) -> None:
    STRICT.check_uri(uri)
    assert not forbidden_address("93.184.216.34")


async def test_names_are_checked_after_resolution() -> None:
    with pytest.raises(EndpointRefused):
        await STRICT.resolve("localhost", 80)
    assert await EndpointGuard(allow_private=True).resolve("localhost", 80)


async def test_the_api_refuses_a_private_endpoint_when_not_allowed(
    app: FastAPI, officer: httpx.AsyncClient
) -> None:
    app.state.twin_endpoint_guard = STRICT
    response = await officer.post(f"{BASE}/subscriptions", json=subscription(
        "http://169.254.169.254/latest", id="urn:ngsi-ld:Subscription:meta"))
    assert response.status_code == 400 and "BadRequestData" in response.json()["type"]
    assert (await officer.get(f"{BASE}/subscriptions")).json() == []


async def test_delivery_to_a_name_that_resolves_inside_is_refused(
    app: FastAPI, officer: httpx.AsyncClient
) -> None:
    receiver = Receiver()
    try:
        await road(officer)
        port = receiver.url.split(":")[2].split("/")[0]
        created = await officer.post(f"{BASE}/subscriptions", json=subscription(
            f"http://localhost:{port}/notify", id="urn:ngsi-ld:Subscription:dns",
            watchedAttributes=["intensity"]))
        assert created.status_code == 201
        app.state.twin_notifier._guard = STRICT  # the name now counts as inside the network
        await set_intensity(officer, 7)
        status: dict[str, Any] = {}
        for _ in range(50):
            await asyncio.sleep(0.1)
            status = (await officer.get(f"{BASE}/subscriptions/urn:ngsi-ld:Subscription:dns")
                      ).json()["notification"]
            if status.get("lastFailure"):
                break
        assert status["status"] == "failed" and receiver.received == []
    finally:
        receiver.close()


# MQTT ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[int]:
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        pytest.skip("mosquitto is not installed (scripts/system-deps.sh)")
    port = free_port()
    config = tmp_path / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(5)


class Listener:
    """A subscriber on the broker that records every message of one topic."""

    def __init__(self, port: int, topic: str) -> None:
        self.messages: list[dict[str, Any]] = []
        self.arrived = threading.Event()
        subscribed = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2)
        self.client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
        self.client.on_subscribe = lambda *_: subscribed.set()
        self.client.on_message = self._message
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert subscribed.wait(5)

    def _message(self, _client: Any, _data: Any, message: mqtt.MQTTMessage) -> None:
        self.messages.append(json.loads(message.payload))
        self.arrived.set()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.mark.parametrize("version", ["mqtt3.1.1", "mqtt5.0"])
async def test_notifications_reach_an_mqtt_broker(
    officer: httpx.AsyncClient, broker: int, version: str
) -> None:
    listener = Listener(broker, "kunshan/twin/roads")
    try:
        await road(officer)
        doc = subscription(f"mqtt://127.0.0.1:{broker}/kunshan/twin/roads",
                           id="urn:ngsi-ld:Subscription:mqtt", watchedAttributes=["intensity"])
        doc["notification"]["endpoint"].update(
            accept="application/ld+json",
            receiverInfo=[{"key": "X-City", "value": "kunshan"}],
            notifierInfo=[{"key": "MQTTVersion", "value": version},
                          {"key": "MQTTQoS", "value": "1"}])
        assert (await officer.post(f"{BASE}/subscriptions", json=doc)).status_code == 201
        await set_intensity(officer, 321)
        assert await asyncio.to_thread(listener.arrived.wait, 10)
        message = listener.messages[0]
        assert message["metadata"]["Content-Type"] == "application/ld+json"
        assert message["metadata"]["X-City"] == "kunshan"
        body = message["body"]
        assert body["type"] == "Notification" and "@context" in body
        assert body["data"][0]["id"] == ROAD and body["data"][0]["intensity"]["value"] == 321
        shown = (await officer.get(f"{BASE}/subscriptions/urn:ngsi-ld:Subscription:mqtt")).json()
        for _ in range(30):
            if shown["notification"].get("timesSent"):
                break
            await asyncio.sleep(0.1)
            shown = (await officer.get(
                f"{BASE}/subscriptions/urn:ngsi-ld:Subscription:mqtt")).json()
        assert shown["notification"]["timesSent"] == 1
    finally:
        listener.close()


@pytest.mark.parametrize("info", [[{"key": "MQTTQoS", "value": "3"}],
                                  [{"key": "MQTTVersion", "value": "mqtt2"}], {"MQTTQoS": 1}])
async def test_bad_notifier_info_is_refused(officer: httpx.AsyncClient, info: Any) -> None:
    doc = subscription("mqtt://127.0.0.1:1883/t", id="urn:ngsi-ld:Subscription:bad")
    doc["notification"]["endpoint"]["notifierInfo"] = info
    assert (await officer.post(f"{BASE}/subscriptions", json=doc)).status_code == 400
