"""The twin's device registry in the browser: an operator registers a device and sees its key
once with the MQTT topic, the device publishes a reading with that key over MQTT and the
page's last-seen and ingest status follow; a rotated key refuses the old one, a disabled
device is refused too; the map link opens the entity in the city view; a visitor gets none
of the registry's data."""

from __future__ import annotations

import asyncio
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from cityverse.modules.twin.telemetry.wire import ConnectRefused, Publisher
from e2e.browsing import login, logout, shot

pytestmark = pytest.mark.browser


def make_station(page: Page, tag: str) -> str:
    entity_id = f"urn:ngsi-ld:AirQualityObserved:kunshan:dev-{tag}"
    response = page.request.post("/ngsi-ld/v1/entities", data={
        "id": entity_id, "type": "AirQualityObserved",
        "name": {"type": "Property", "value": f"设备测试站{tag}"},
        "pm25": {"type": "Property", "value": 20.0},
        "location": {"type": "GeoProperty",
                     "value": {"type": "Point", "coordinates": [120.957, 31.386]}},
    })
    assert response.status == 201, response.text()
    return entity_id


def publish(broker: str, device_id: str, key: str, topic: str, reading: dict[str, float]) -> None:
    """One reading over MQTT as a device sends it; ConnectRefused if the broker refuses."""
    async def send() -> None:
        publisher = await Publisher.connect(f"mqtt://{broker}", device_id, key)
        publisher.publish(topic, json.dumps(reading).encode())
        await publisher.drain()
        await asyncio.sleep(0.2)  # QoS 0: let the broker read it before we disconnect
        await publisher.close()
    # Sync Playwright keeps an event loop running in this thread: the device gets its own.
    with ThreadPoolExecutor(1) as device:
        device.submit(asyncio.run, send()).result()


def test_an_operator_registers_rotates_and_disables_a_device(page: Page) -> None:
    tag = uuid.uuid4().hex[:8]
    device_id = f"ks-dev-{tag}"
    login(page, "officer", DEMO_PASSWORD)
    entity_id = make_station(page, tag)
    broker = page.request.get("/api/twin/ingest/status").json()["broker_address"]

    page.get_by_test_id("nav-twin-devices").click()
    expect(page.get_by_test_id("twin-devices-page")).to_be_visible()
    expect(page.get_by_test_id("twin-ingest-broker")).to_have_attribute("data-mode", "embedded")

    # Register: the key is shown once, with the topic and a payload to send.
    page.get_by_test_id("twin-device-register").click()
    page.get_by_test_id("twin-device-form-id").fill(device_id)
    page.get_by_test_id("twin-device-form-entity").fill(entity_id)
    page.get_by_test_id("twin-device-form-mapping").fill("pm2_5=pm25")
    page.get_by_test_id("twin-device-form-submit").click()
    dialog = page.get_by_test_id("twin-device-key-dialog")
    expect(dialog).to_be_visible()
    key = page.get_by_test_id("twin-device-key").inner_text().strip()
    topic = page.get_by_test_id("twin-device-topic").inner_text().strip()
    assert len(key) >= 40 and topic == f"cityverse/default/devices/{device_id}/attrs"
    expect(page.get_by_test_id("twin-device-payload")).to_contain_text('"pm2_5"')
    shot(page, "twin-devices-01-key")
    page.get_by_test_id("twin-device-key-done").click()
    expect(dialog).to_be_hidden()
    assert key not in page.content()  # once closed, the key is nowhere on the page

    # Only this device in the list, found by search; no reading yet.
    page.get_by_test_id("twin-device-search").fill(tag)
    rows = page.get_by_test_id("twin-device-row")
    expect(rows).to_have_count(1)
    seen = page.locator(f'[data-testid="twin-device-last-seen"][data-device="{device_id}"]')
    expect(seen).to_have_attribute("data-seen", "")

    # The device publishes with its key: the reading is written and the page shows it.
    publish(broker, device_id, key, topic, {"pm2_5": 88.0})
    page.get_by_test_id("twin-device-refresh").click()
    expect(seen).not_to_have_attribute("data-seen", "", timeout=15_000)
    accepted = page.get_by_test_id("twin-ingest-accepted")
    expect(accepted).not_to_have_text("0")
    station = page.request.get(f"/ngsi-ld/v1/entities/{entity_id}").json()
    assert station["pm25"]["value"] == 88.0
    shot(page, "twin-devices-02-seen")

    # Rotate: a new key is shown once; the old one no longer connects, the new one does.
    page.locator(f'[data-testid="twin-device-rotate"][data-device="{device_id}"]').click()
    page.locator(".el-message-box__btns .el-button--primary").click()
    expect(dialog).to_be_visible()
    new_key = page.get_by_test_id("twin-device-key").inner_text().strip()
    assert new_key != key
    page.get_by_test_id("twin-device-key-done").click()
    with pytest.raises(ConnectRefused):
        publish(broker, device_id, key, topic, {"pm2_5": 1.0})
    publish(broker, device_id, new_key, topic, {"pm2_5": 42.0})

    # Disable, after confirming: the device's key is refused from then on.
    page.locator(f'[data-testid="twin-device-toggle"][data-device="{device_id}"]').click()
    page.locator(".el-message-box__btns .el-button--primary").click()
    state = page.locator(f'[data-testid="twin-device-row"][data-device="{device_id}"]')
    expect(state).to_have_attribute("data-enabled", "false")
    with pytest.raises(ConnectRefused):
        publish(broker, device_id, new_key, topic, {"pm2_5": 2.0})
    assert page.request.get(f"/ngsi-ld/v1/entities/{entity_id}").json()["pm25"]["value"] == 42.0
    shot(page, "twin-devices-03-disabled")

    # The entity opens in the city view from the list.
    page.locator(f'[data-testid="twin-device-map-link"][data-device="{device_id}"]').click()
    expect(page.get_by_test_id("twin-view")).to_have_attribute("data-rendered", "true",
                                                               timeout=30_000)
    expect(page.get_by_test_id("twin-panel")).to_have_attribute("data-entity-id", entity_id)
    shot(page, "twin-devices-04-city-view")


def test_the_registry_in_english_and_refused_to_a_visitor(page: Page) -> None:
    login(page, "officer", DEMO_PASSWORD)
    page.goto("/city/twin/devices")
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("twin-devices-page")).to_contain_text("IoT device registry")
    expect(page.get_by_test_id("twin-ingest-status")).to_contain_text("Ingest status")
    shot(page, "twin-devices-05-en")
    logout(page)

    login(page, "visitor", DEMO_PASSWORD)
    expect(page.get_by_test_id("nav-twin-devices")).to_have_count(0)
    for path in ("/api/twin/devices", "/api/twin/ingest/status"):
        assert page.request.get(path).status == 403
    assert page.request.post("/api/twin/devices", data={
        "device_id": "x-visitor", "entity_id": "urn:ngsi-ld:AirQualityObserved:x"}).status == 403
    page.goto("/city/twin/devices")
    expect(page.get_by_test_id("twin-devices-page")).to_have_count(0)
