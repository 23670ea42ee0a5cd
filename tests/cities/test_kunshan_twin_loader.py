"""The demo loader puts the Kunshan twin into the default tenant, once, and the NGSI-LD API
answers type and geo queries over it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from cityverse.cities.kunshan.twin_demo import load_twin
from cityverse.core.auth.policy import Role

SignedInFactory = Callable[..., Awaitable[httpx.AsyncClient]]
BASE = "/ngsi-ld/v1"
ZHOUZHUANG = [120.846, 31.117]


@pytest.fixture
async def officer(signed_in: SignedInFactory) -> AsyncIterator[httpx.AsyncClient]:
    yield await signed_in("ops", Role.OFFICER)


async def _load(app: FastAPI) -> int:
    async with app.state.sessionmaker() as session, session.begin():
        return await load_twin(session, lambda *_: None)


async def _count(client: httpx.AsyncClient, **params: str) -> int:
    response = await client.get(f"{BASE}/entities", params={**params, "count": "true",
                                                           "limit": "1"})
    assert response.status_code == 200, response.text
    return int(response.headers["NGSILD-Results-Count"])


async def test_loaded_twin_answers_type_and_geo_queries(
    app: FastAPI, officer: httpx.AsyncClient,
) -> None:
    assert await _load(app) == 2464
    types = (await officer.get(f"{BASE}/types")).json()
    assert {"Building", "Road", "WaterBody", "CrowdFlowObserved"} <= set(types["typeList"])
    assert await _count(officer, type="Building") > 2000
    near = await officer.get(f"{BASE}/entities", params={
        "type": "CrowdFlowObserved", "georel": "near;maxDistance==1000", "geometry": "Point",
        "coordinates": json.dumps(ZHOUZHUANG), "options": "keyValues", "limit": "100"})
    names = {entity["name"] for entity in near.json()}
    assert len(names) == 6 and all(name.startswith("周庄古镇") for name in names)
    sensors_near = await _count(officer, type="AirQualityObserved,WaterObserved,FloodMonitoring",
                                georel="near;maxDistance==5000", geometry="Point",
                                coordinates=json.dumps(ZHOUZHUANG))
    assert sensors_near >= 3
    huaqiao = [[121.085, 31.295], [121.105, 31.295], [121.105, 31.31], [121.085, 31.31],
               [121.085, 31.295]]
    towers = await officer.get(f"{BASE}/entities", params={
        "type": "Building", "georel": "within", "geometry": "Polygon",
        "coordinates": json.dumps([huaqiao]), "q": "height>150", "options": "keyValues",
        "limit": "1000"})
    assert towers.status_code == 200 and len(towers.json()) >= 5
    assert all(t["category"] in (["office"], "office") for t in towers.json())
    by_road = await _count(officer, type="TrafficFlowObserved",
                           q='refRoadSegment=="urn:ngsi-ld:Road:kunshan:road-qianjin-road"')
    assert by_road == 8


async def test_loading_again_keeps_live_values_and_adds_nothing(
    app: FastAPI, officer: httpx.AsyncClient,
) -> None:
    await _load(app)
    sensor = "urn:ngsi-ld:CrowdFlowObserved:kunshan:cf-zhouzhuang-1"
    patched = await officer.patch(f"{BASE}/entities/{sensor}/attrs",
                                  json={"peopleCount": {"type": "Property", "value": 4321}})
    assert patched.status_code == 204, patched.text
    assert await _load(app) == 2464
    assert await _count(officer, type="Building,Road,WaterBody") == 2175 + 57 + 12
    kept = await officer.get(f"{BASE}/entities/{sensor}", params={"options": "keyValues"})
    assert kept.json()["peopleCount"] == 4321
