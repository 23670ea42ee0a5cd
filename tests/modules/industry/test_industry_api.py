from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from cityverse.modules.industry import service

BASE = {"segment": "hardware", "sub_segment": "optics", "town_key": "yushan-town",
        "description": "光学", "description_en": "Optics", "name_en": None,
        "founded_year": 2018, "employees": 50, "is_demo": True}


async def _seed(app: FastAPI) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        await service.upsert_enterprise(session, {**BASE, "key": "a", "name": "示例·甲光学",
                                                  "uscc": "91320583DEMKN00012"})
        await service.upsert_enterprise(session, {**BASE, "key": "b", "name": "示例·乙软件",
                                                  "segment": "software",
                                                  "sub_segment": "engines",
                                                  "uscc": "91320583DEMKN00025"})


async def test_list_filter_search_and_get(app: FastAPI, client: httpx.AsyncClient) -> None:
    await _seed(app)
    everything = (await client.get("/api/industry/enterprises")).json()
    assert everything["total"] == 2
    software = (await client.get("/api/industry/enterprises?segment=software")).json()
    assert [e["name"] for e in software["items"]] == ["示例·乙软件"]
    found = (await client.get("/api/industry/enterprises?q=甲")).json()
    assert found["total"] == 1
    one = await client.get(f"/api/industry/enterprises/{found['items'][0]['id']}")
    assert one.json()["uscc"] == "91320583DEMKN00012"
    assert (await client.get("/api/industry/enterprises/9999")).status_code == 404
    bad = await client.get("/api/industry/enterprises?segment=mining")
    assert bad.status_code == 422


async def test_upsert_refuses_an_invalid_uscc(app: FastAPI) -> None:
    async with app.state.sessionmaker() as session:
        with pytest.raises(ValueError, match="bad USCC"):
            await service.upsert_enterprise(session, {**BASE, "key": "c", "name": "x",
                                                      "uscc": "91320583DEMKN0001X"})


async def test_upsert_refuses_a_position_outside_the_chain(app: FastAPI) -> None:
    async with app.state.sessionmaker() as session:
        with pytest.raises(ValueError, match="not a position"):
            await service.upsert_enterprise(session, {**BASE, "key": "d", "name": "x",
                                                      "sub_segment": "engines",
                                                      "uscc": "91320583DEMKN00012"})
