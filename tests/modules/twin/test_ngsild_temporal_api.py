"""The NGSI-LD temporal API: history kept by the entity API, temporal create/append, timerel,
lastN, temporalValues and every aggregation method with exact figures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from cityverse.modules.twin.ngsild.temporal import parse_duration

SignedInFactory = Callable[..., Awaitable[httpx.AsyncClient]]
BASE = "/ngsi-ld/v1"
ERRORS = "https://uri.etsi.org/ngsi-ld/errors/"
STATION = "urn:ngsi-ld:WaterObserved:yangcheng-01"



def reading(level: float, hour: int) -> dict[str, Any]:
    return {"type": "Property", "value": level, "observedAt": f"2026-11-23T{hour:02d}:00:00Z"}


async def seed(officer: httpx.AsyncClient) -> None:
    response = await officer.post(f"{BASE}/temporal/entities", json={
        "id": STATION, "type": "WaterObserved",
        "waterLevel": [reading(level, hour) for hour, level in
                       [(1, 2.0), (2, 4.0), (3, 4.0), (4, 6.0), (5, 9.0)]],
    })
    assert response.status_code == 201, response.text


async def test_temporal_create_keeps_every_instance_and_the_entity_the_latest(
    officer: httpx.AsyncClient,
) -> None:
    await seed(officer)
    current = (await officer.get(f"{BASE}/entities/{STATION}", params={"options": "keyValues"}))
    assert current.json()["waterLevel"] == 9.0
    history = (await officer.get(f"{BASE}/temporal/entities/{STATION}")).json()
    levels = [i["value"] for i in history["waterLevel"]]
    assert levels == [2.0, 4.0, 4.0, 6.0, 9.0]
    assert all(i["instanceId"].startswith("urn:ngsi-ld:attribute:instance:")
               for i in history["waterLevel"])


async def test_entity_updates_land_in_history(officer: httpx.AsyncClient) -> None:
    await officer.post(f"{BASE}/entities", json={
        "id": STATION, "type": "WaterObserved", "waterLevel": reading(1.0, 1)})
    await officer.patch(f"{BASE}/entities/{STATION}/attrs", json={"waterLevel": reading(1.5, 2)})
    await officer.post(f"{BASE}/entityOperations/upsert", params={"options": "update"},
                       json=[{"id": STATION, "type": "WaterObserved",
                              "waterLevel": reading(1.7, 3)}])
    values = (await officer.get(f"{BASE}/temporal/entities/{STATION}",
                                params={"options": "temporalValues"})).json()
    assert values["waterLevel"] == {"type": "Property", "values": [
        [1.0, "2026-11-23T01:00:00.000Z"], [1.5, "2026-11-23T02:00:00.000Z"],
        [1.7, "2026-11-23T03:00:00.000Z"]]}


async def test_timerel_and_last_n(officer: httpx.AsyncClient) -> None:
    await seed(officer)
    url = f"{BASE}/temporal/entities/{STATION}"

    async def levels(**params: str) -> list[float]:
        response = await officer.get(url, params=params)
        assert response.status_code == 200, response.text
        return [i["value"] for i in response.json().get("waterLevel", [])]

    assert await levels(timerel="before", timeAt="2026-11-23T03:00:00Z") == [2.0, 4.0]
    assert await levels(timerel="after", timeAt="2026-11-23T03:00:00Z") == [4.0, 6.0, 9.0]
    assert await levels(timerel="between", timeAt="2026-11-23T02:00:00Z",
                        endTimeAt="2026-11-23T04:00:00Z") == [4.0, 4.0]
    assert await levels(lastN="2") == [6.0, 9.0]


async def test_every_aggregation_method(officer: httpx.AsyncClient) -> None:
    await seed(officer)
    response = await officer.get(f"{BASE}/temporal/entities/{STATION}", params={
        "options": "aggregatedValues",
        "aggrMethods": "totalCount,distinctCount,sum,avg,min,max,stddev,sumsq",
        "timerel": "between", "timeAt": "2026-11-23T00:00:00Z",
        "endTimeAt": "2026-11-23T06:00:00Z", "aggrPeriodDuration": "PT3H"})
    assert response.status_code == 200, response.text
    agg = response.json()["waterLevel"]
    # First period 00:00–03:00 holds 2, 4; the second 03:00–06:00 holds 4, 6, 9.
    assert agg["totalCount"] == [[2, "2026-11-23T00:00:00.000Z", "2026-11-23T03:00:00.000Z"],
                                 [3, "2026-11-23T03:00:00.000Z", "2026-11-23T06:00:00.000Z"]]
    assert [v for v, *_ in agg["distinctCount"]] == [2, 3]
    assert [v for v, *_ in agg["sum"]] == [6.0, 19.0]
    assert [v for v, *_ in agg["avg"]] == [3.0, pytest.approx(19 / 3)]
    assert [v for v, *_ in agg["min"]] == [2.0, 4.0]
    assert [v for v, *_ in agg["max"]] == [4.0, 9.0]
    assert [v for v, *_ in agg["sumsq"]] == [20.0, 133.0]
    assert agg["stddev"][0][0] == pytest.approx(1.0)


async def test_temporal_query_and_deletes(officer: httpx.AsyncClient) -> None:
    await seed(officer)
    found = await officer.get(f"{BASE}/temporal/entities", params={
        "type": "WaterObserved", "lastN": "1"})
    assert [e["waterLevel"][0]["value"] for e in found.json()] == [9.0]
    history = (await officer.get(f"{BASE}/temporal/entities/{STATION}")).json()
    first = history["waterLevel"][0]["instanceId"]
    gone = await officer.delete(f"{BASE}/temporal/entities/{STATION}/attrs/waterLevel/{first}")
    assert gone.status_code == 204
    left = (await officer.get(f"{BASE}/temporal/entities/{STATION}")).json()
    assert len(left["waterLevel"]) == 4
    assert (await officer.delete(f"{BASE}/temporal/entities/{STATION}")).status_code == 204
    missing = await officer.get(f"{BASE}/temporal/entities/{STATION}")
    assert missing.status_code == 404 and missing.json()["type"] == ERRORS + "ResourceNotFound"


@pytest.mark.parametrize("params", [
    {"timerel": "during", "timeAt": "2026-11-23T00:00:00Z"},
    {"timerel": "before"},
    {"timerel": "between", "timeAt": "2026-11-23T00:00:00Z"},
    {"timerel": "before", "timeAt": "noon"},
    {"timeAt": "2026-11-23T00:00:00Z"},
    {"options": "aggregatedValues"},
    {"options": "aggregatedValues", "aggrMethods": "median"},
    {"options": "aggregatedValues", "aggrMethods": "sum", "aggrPeriodDuration": "1 hour"},
    {"lastN": "0"},
])
async def test_bad_temporal_parameters_are_bad_request_data(
    officer: httpx.AsyncClient, params: dict[str, str]
) -> None:
    await seed(officer)
    response = await officer.get(f"{BASE}/temporal/entities/{STATION}", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["type"] == ERRORS + "BadRequestData"


def test_durations() -> None:
    assert parse_duration("PT1H").total_seconds() == 3600
    assert parse_duration("P1DT30M").total_seconds() == 86400 + 1800
    assert parse_duration("P1W").days == 7
