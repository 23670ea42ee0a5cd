from __future__ import annotations

import httpx
from fastapi import FastAPI

from cityverse.modules.city import service
from cityverse.modules.city.schemas import PlaceIn


async def test_places_by_kind(app: FastAPI, client: httpx.AsyncClient) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        for key, kind in (("zhouzhuang-town", "town"), ("tinglin-park", "landmark")):
            await service.upsert_place(session, PlaceIn(
                key=key, kind=kind, name_zh="地", name_en="Place", lon=120.9, lat=31.3))
    towns = (await client.get("/api/city/places?kind=town")).json()
    assert [p["key"] for p in towns] == ["zhouzhuang-town"]
    assert len((await client.get("/api/city/places")).json()) == 2
    assert (await client.get("/api/city/places?kind=river")).status_code == 422
