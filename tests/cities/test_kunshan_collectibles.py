"""Demo collectibles: issued through the real rules, aged so a gift works at once, one frozen,
one waiting for review; loading twice changes nothing."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from cityverse.cities.kunshan import demo_works, loader
from cityverse.cities.kunshan.collectibles import load_collectibles
from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from cityverse.core.config import Settings


async def test_demo_collectibles_load_once_and_can_be_gifted_at_once(
    app: FastAPI, settings: Settings, client: httpx.AsyncClient
) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        await loader.load(session, settings, lambda *_: None)
    await demo_works.load_works(settings, lambda *_: None)
    for new in (4, 0):
        assert await load_collectibles(app.state.sessionmaker, settings, lambda *_: None) == new
    public = (await client.get("/api/assets/collections")).json()
    assert public["total"] == 3
    seasons = next(c for c in public["items"] if c["title"] == "周庄双桥·晨曦")
    tokens = (await client.get(f"/api/assets/collections/{seasons['id']}/tokens")).json()
    assert [t["frozen"] for t in tokens["items"]].count(True) == 1

    await client.post("/api/auth/login", json={"username": "enterprise",
                                                "password": DEMO_PASSWORD})
    mine = (await client.get("/api/assets/tokens/mine")).json()
    held = {(t["collection_id"], t["serial"]): t for t in mine["items"]}
    assert held[(seasons["id"], 1)]["transferable_at"] < held[(seasons["id"], 2)]["acquired_at"]
    gift = await client.post(
        f"/api/assets/collections/{seasons['id']}/tokens/1/gift", json={"to_username": "creator"})
    assert gift.status_code == 200, gift.text
    recent = await client.post(
        f"/api/assets/collections/{seasons['id']}/tokens/2/gift", json={"to_username": "creator"})
    assert recent.status_code == 409

    await client.post("/api/auth/login", json={"username": "officer", "password": DEMO_PASSWORD})
    queue = (await client.get("/api/assets/review/collections")).json()
    assert [c["title"] for c in queue["items"]] == ["昆曲·水袖（典藏版）"]
