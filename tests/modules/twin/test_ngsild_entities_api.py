"""The NGSI-LD entity API over HTTP (clauses 5.6–5.7, 6.4–6.7): create, retrieve, query,
update, merge, replace and delete, with the error type of every failure."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from cityverse.core.auth.policy import Role

SignedInFactory = Callable[..., Awaitable[httpx.AsyncClient]]
BASE = "/ngsi-ld/v1"
ERRORS = "https://uri.etsi.org/ngsi-ld/errors/"
USER_CONTEXT = {"@context": {"AirQualityObserved": "https://smartdatamodels.org/dataModel.Environment/AirQualityObserved",
                             "pm25": "https://smartdatamodels.org/dataModel.Environment/pm25"}}


@pytest.fixture
async def officer(signed_in: SignedInFactory) -> AsyncIterator[httpx.AsyncClient]:
    client = await signed_in("ops", Role.OFFICER)
    yield client


def sensor(number: int = 1, *, lon: float = 120.98, lat: float = 31.38, pm25: float = 35.0,
           **extra: Any) -> dict[str, Any]:
    return {
        "id": f"urn:ngsi-ld:AirQualityObserved:ks-{number:03d}",
        "type": "AirQualityObserved",
        "pm25": {"type": "Property", "value": pm25, "unitCode": "GQ",
                 "observedAt": "2026-11-23T08:00:00Z"},
        "name": {"type": "Property", "value": f"监测站 {number}"},
        "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [lon, lat]}},
        **extra,
    }


def problem(response: httpx.Response, kind: str, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["type"] == ERRORS + kind
    assert body["status"] == status
    assert body["detail"]


async def create(client: httpx.AsyncClient, entity: dict[str, Any]) -> None:
    response = await client.post(f"{BASE}/entities", json=entity)
    assert response.status_code == 201, response.text


async def test_create_then_retrieve_normalized_with_a_link_to_the_core_context(
    officer: httpx.AsyncClient,
) -> None:
    response = await officer.post(f"{BASE}/entities", json=sensor())
    assert response.status_code == 201
    assert response.headers["location"] == f"{BASE}/entities/urn:ngsi-ld:AirQualityObserved:ks-001"
    got = await officer.get(f"{BASE}/entities/urn:ngsi-ld:AirQualityObserved:ks-001")
    assert got.status_code == 200
    assert "ngsi-ld-core-context" in got.headers["link"]
    body = got.json()
    assert body["type"] == "AirQualityObserved"
    assert body["pm25"] == {"type": "Property", "value": 35.0, "unitCode": "GQ",
                            "observedAt": "2026-11-23T08:00:00.000Z"}
    assert body["location"]["value"]["coordinates"] == [120.98, 31.38]
    assert "createdAt" not in body


async def test_keyvalues_concise_and_sysattrs(officer: httpx.AsyncClient) -> None:
    await create(officer, sensor())
    url = f"{BASE}/entities/urn:ngsi-ld:AirQualityObserved:ks-001"
    simple = (await officer.get(url, params={"options": "keyValues"})).json()
    assert simple["pm25"] == 35.0 and simple["name"] == "监测站 1"
    concise = (await officer.get(url, params={"format": "concise"})).json()
    assert concise["name"] == "监测站 1"
    assert concise["pm25"] == {
        "value": 35.0, "unitCode": "GQ", "observedAt": "2026-11-23T08:00:00.000Z"}
    sys = (await officer.get(url, params={"options": "sysAttrs"})).json()
    assert sys["createdAt"].endswith("Z") and sys["pm25"]["modifiedAt"].endswith("Z")


async def test_jsonld_answers_carry_the_context_inline_and_user_contexts_round_trip(
    officer: httpx.AsyncClient,
) -> None:
    doc = {**sensor(), **USER_CONTEXT}
    response = await officer.post(f"{BASE}/entities", json=doc,
                                  headers={"Content-Type": "application/ld+json"})
    assert response.status_code == 201, response.text
    url = f"{BASE}/entities/{doc['id']}"
    plain = (await officer.get(url)).json()
    # Without the user's context, the names come back as full IRIs.
    assert plain["type"] == USER_CONTEXT["@context"]["AirQualityObserved"]
    ld = await officer.get(url, headers={"Accept": "application/ld+json"})
    assert ld.headers["content-type"].startswith("application/ld+json")
    assert "@context" in ld.json()


async def test_concise_input_is_accepted(officer: httpx.AsyncClient) -> None:
    await create(officer, {
        "id": "urn:ngsi-ld:Building:b1", "type": "Building", "height": 48,
        "owner": {"object": "urn:ngsi-ld:Organization:o1"},
        "location": {"type": "Point", "coordinates": [120.95, 31.39]},
    })
    body = (await officer.get(f"{BASE}/entities/urn:ngsi-ld:Building:b1")).json()
    assert body["height"] == {"type": "Property", "value": 48}
    assert body["owner"] == {"type": "Relationship", "object": "urn:ngsi-ld:Organization:o1"}
    assert body["location"]["type"] == "GeoProperty"


@pytest.mark.parametrize(("entity", "kind"), [
    ({"type": "T"}, "BadRequestData"),
    ({"id": "not a uri", "type": "T"}, "BadRequestData"),
    ({"id": "urn:x:1"}, "BadRequestData"),
    ({"id": "urn:x:1", "type": "T", "a": None}, "BadRequestData"),
    ({"id": "urn:x:1", "type": "T", "a": {"type": "Relationship", "object": "nope"}},
     "BadRequestData"),
    ({"id": "urn:x:1", "type": "T", "location": {"type": "Point", "coordinates": [500, 0]}},
     "BadRequestData"),
    ({"id": "urn:x:1", "type": "T", "a": {"type": "Wrong", "value": 1}}, "BadRequestData"),
    ({"id": "urn:x:1", "type": "T", "a": {"type": "Property", "value": 1,
                                          "observedAt": "yesterday"}}, "BadRequestData"),
    ({"id": "urn:x:1", "type": "T", "bad name": 1}, "BadRequestData"),
])
async def test_malformed_entities_are_bad_request_data_and_nothing_is_stored(
    officer: httpx.AsyncClient, entity: dict[str, Any], kind: str
) -> None:
    problem(await officer.post(f"{BASE}/entities", json=entity), kind, 400)
    listed = await officer.get(f"{BASE}/entities", params={"type": "T"})
    assert listed.json() == []


async def test_other_malformed_requests(officer: httpx.AsyncClient) -> None:
    problem(await officer.post(f"{BASE}/entities", content=b"{oops",
                               headers={"Content-Type": "application/json"}),
            "InvalidRequest", 400)
    response = await officer.post(f"{BASE}/entities", content=b"{}",
                                  headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    await create(officer, sensor())
    problem(await officer.post(f"{BASE}/entities", json=sensor()), "AlreadyExists", 409)
    problem(await officer.get(f"{BASE}/entities/urn:ngsi-ld:Nope:1"), "ResourceNotFound", 404)
    problem(await officer.get(f"{BASE}/entities"), "BadRequestData", 400)
    problem(await officer.get(f"{BASE}/entities", params={"type": "T", "limit": "5000"}),
            "TooManyResults", 403)
    problem(await officer.get(f"{BASE}/entities", params={"type": "T", "q": "a=="}),
            "InvalidRequest", 400)
    problem(await officer.get(f"{BASE}/entities", params={"type": "T", "options": "bogus"}),
            "BadRequestData", 400)
    assert (await officer.get(f"{BASE}/entities/urn:x:1",
                              headers={"Accept": "text/html"})).status_code == 406


async def test_query_by_type_id_pattern_q_and_paging(officer: httpx.AsyncClient) -> None:
    for number in range(1, 8):
        await create(officer, sensor(number, pm25=10.0 * number))
    everything = await officer.get(f"{BASE}/entities",
                                   params={"type": "AirQualityObserved", "count": "true"})
    assert everything.headers["ngsild-results-count"] == "7"
    assert len(everything.json()) == 7
    high = await officer.get(f"{BASE}/entities", params={
        "type": "AirQualityObserved", "q": "pm25>=40;pm25<70", "options": "keyValues"})
    assert sorted(e["pm25"] for e in high.json()) == [40.0, 50.0, 60.0]
    either = await officer.get(f"{BASE}/entities", params={
        "type": "AirQualityObserved", "q": "(pm25==10|pm25==70)"})
    assert len(either.json()) == 2
    ranged = await officer.get(f"{BASE}/entities", params={"type": "AirQualityObserved",
                                                           "q": "pm25==20..30"})
    assert len(ranged.json()) == 2
    named = await officer.get(f"{BASE}/entities", params={"type": "AirQualityObserved",
                                                          "q": 'name=="监测站 3"'})
    assert [e["id"] for e in named.json()] == ["urn:ngsi-ld:AirQualityObserved:ks-003"]
    pattern = await officer.get(f"{BASE}/entities", params={"idPattern": ".*ks-00[12]$"})
    assert len(pattern.json()) == 2
    page = await officer.get(f"{BASE}/entities", params={
        "type": "AirQualityObserved", "limit": "3", "offset": "3"})
    assert [e["id"][-3:] for e in page.json()] == ["004", "005", "006"]
    assert 'rel="next"' in page.headers["link"] and 'rel="prev"' in page.headers["link"]
    picked = (await officer.get(f"{BASE}/entities", params={
        "id": "urn:ngsi-ld:AirQualityObserved:ks-001", "pick": "pm25"})).json()
    assert set(picked[0]) == {"id", "type", "pm25"}


async def test_geo_queries_near_and_within(officer: httpx.AsyncClient) -> None:
    await create(officer, sensor(1, lon=120.980, lat=31.380))   # the origin
    await create(officer, sensor(2, lon=120.990, lat=31.380))   # ~950 m east
    await create(officer, sensor(3, lon=121.100, lat=31.380))   # ~11 km east
    near = await officer.get(f"{BASE}/entities", params={
        "type": "AirQualityObserved", "georel": "near;maxDistance==1000",
        "geometry": "Point", "coordinates": "[120.98,31.38]"})
    assert sorted(e["id"][-1] for e in near.json()) == ["1", "2"]
    far = await officer.get(f"{BASE}/entities", params={
        "type": "AirQualityObserved", "georel": "near;minDistance==5000",
        "geometry": "Point", "coordinates": "[120.98,31.38]"})
    assert [e["id"][-1] for e in far.json()] == ["3"]
    within = await officer.get(f"{BASE}/entities", params={
        "type": "AirQualityObserved", "georel": "within", "geometry": "Polygon",
        "coordinates": "[[[120.97,31.37],[121.0,31.37],[121.0,31.39],[120.97,31.39],"
                       "[120.97,31.37]]]"})
    assert len(within.json()) == 2
    problem(await officer.get(f"{BASE}/entities", params={
        "type": "AirQualityObserved", "georel": "near", "geometry": "Point",
        "coordinates": "[120.98,31.38]"}), "BadRequestData", 400)
    geojson = await officer.get(f"{BASE}/entities", params={"type": "AirQualityObserved"},
                                headers={"Accept": "application/geo+json"})
    assert geojson.json()["type"] == "FeatureCollection"
    assert geojson.json()["features"][0]["geometry"]["type"] == "Point"


async def test_attribute_operations(officer: httpx.AsyncClient) -> None:
    await create(officer, sensor())
    url = f"{BASE}/entities/urn:ngsi-ld:AirQualityObserved:ks-001"
    appended = await officer.post(f"{url}/attrs", json={"no2": {"type": "Property", "value": 12}})
    assert appended.status_code == 204
    kept = await officer.post(f"{url}/attrs", params={"options": "noOverwrite"},
                              json={"no2": {"type": "Property", "value": 99}})
    assert kept.status_code == 207 and kept.json()["notUpdated"][0]["attributeName"] == "no2"
    updated = await officer.patch(f"{url}/attrs", json={
        "pm25": {"type": "Property", "value": 80}, "ghost": {"type": "Property", "value": 1}})
    assert updated.status_code == 207
    assert updated.json()["updated"] == ["pm25"]
    partial = await officer.patch(f"{url}/attrs/pm25", json={"value": 81})
    assert partial.status_code == 204
    body = (await officer.get(url, params={"options": "keyValues"})).json()
    assert body["pm25"] == 81 and body["no2"] == 12
    problem(await officer.patch(f"{url}/attrs/ghost", json={"value": 1}), "ResourceNotFound", 404)
    assert (await officer.delete(f"{url}/attrs/no2")).status_code == 204
    problem(await officer.delete(f"{url}/attrs/no2"), "ResourceNotFound", 404)
    assert "no2" not in (await officer.get(url)).json()


async def test_merge_replace_and_delete(officer: httpx.AsyncClient) -> None:
    await create(officer, sensor())
    url = f"{BASE}/entities/urn:ngsi-ld:AirQualityObserved:ks-001"
    merged = await officer.patch(url, json={"pm25": {"value": 5},
                                            "name": {"value": "urn:ngsi-ld:null"}})
    assert merged.status_code == 204
    body = (await officer.get(url)).json()
    assert body["pm25"]["value"] == 5 and body["pm25"]["unitCode"] == "GQ"
    assert "name" not in body
    replaced = await officer.put(url, json={"type": "AirQualityObserved", "pm10": 3})
    assert replaced.status_code == 204
    body = (await officer.get(url, params={"options": "keyValues"})).json()
    assert set(body) == {"id", "type", "pm10"}
    problem(await officer.put(url, json={"id": "urn:other:1", "type": "T"}), "BadRequestData", 400)
    assert (await officer.delete(url)).status_code == 204
    problem(await officer.delete(url), "ResourceNotFound", 404)


async def test_tenants_are_separate_and_unknown_tenants_are_named(
    officer: httpx.AsyncClient,
) -> None:
    tenant = {"NGSILD-Tenant": "kunshan_huaqiao"}
    response = await officer.post(f"{BASE}/entities", json=sensor(), headers=tenant)
    assert response.status_code == 201
    outside = await officer.get(f"{BASE}/entities", params={"type": "AirQualityObserved"})
    assert outside.json() == []
    inside = await officer.get(f"{BASE}/entities", params={"type": "AirQualityObserved"},
                               headers=tenant)
    assert len(inside.json()) == 1
    problem(await officer.get(f"{BASE}/entities", params={"type": "AirQualityObserved"},
                              headers={"NGSILD-Tenant": "nobody"}), "NonexistentTenant", 404)
    problem(await officer.get(f"{BASE}/types", headers={"NGSILD-Tenant": "bad tenant!"}),
            "BadRequestData", 400)


async def test_discovery_of_types_and_attributes(officer: httpx.AsyncClient) -> None:
    await create(officer, sensor())
    await create(officer, {"id": "urn:ngsi-ld:Building:b1", "type": "Building", "height": 9})
    types = (await officer.get(f"{BASE}/types")).json()
    assert sorted(types["typeList"]) == ["AirQualityObserved", "Building"]
    attrs = (await officer.get(f"{BASE}/attributes")).json()
    assert {"pm25", "height", "location", "name"} <= set(attrs["attributeList"])


async def test_scope_queries(officer: httpx.AsyncClient) -> None:
    await create(officer, sensor(1, scope="/Kunshan/Huaqiao"))
    await create(officer, sensor(2, scope="/Kunshan/Zhouzhuang/OldTown"))
    below = await officer.get(f"{BASE}/entities", params={"type": "AirQualityObserved",
                                                          "scopeQ": "/Kunshan/#"})
    assert len(below.json()) == 2
    one = await officer.get(f"{BASE}/entities", params={"type": "AirQualityObserved",
                                                        "scopeQ": "/Kunshan/+"})
    assert [e["id"][-1] for e in one.json()] == ["1"]


async def test_readers_cannot_write(signed_in: SignedInFactory) -> None:
    visitor = await signed_in("walker", Role.VISITOR)
    response = await visitor.post(f"{BASE}/entities", json=sensor())
    assert response.status_code == 403
    assert (await visitor.get(f"{BASE}/types")).status_code == 200
