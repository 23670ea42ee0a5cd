"""The pack's shop: products of twelve enterprises and demo orders in every state, loaded
twice without duplicates and without resetting stock that orders took."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from cityverse.cities.kunshan import loader
from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from cityverse.core.config import Settings


async def _load(app: FastAPI, settings: Settings) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        await loader.load(session, settings, lambda *_: None)


async def test_shop_demo_loads_once(app: FastAPI, settings: Settings,
                                    client: httpx.AsyncClient) -> None:
    await _load(app, settings)
    products = (await client.get("/api/commerce/products?size=100")).json()
    assert products["total"] == 48
    assert len({p["enterprise_id"] for p in products["items"]}) == 12
    assert all(p["name"].startswith("示例·") for p in products["items"])
    nearly_gone = [p for p in products["items"] if 0 < p["stock"] <= 3]
    assert len(nearly_gone) >= 2
    stock_before = {p["id"]: p["stock"] for p in products["items"]}
    await _load(app, settings)
    again = (await client.get("/api/commerce/products?size=100")).json()
    assert {p["id"]: p["stock"] for p in again["items"]} == stock_before

    await client.post("/api/auth/login", json={"username": "enterprise",
                                               "password": DEMO_PASSWORD})
    orders = (await client.get("/api/commerce/seller/orders")).json()
    assert {o["status"] for o in orders["items"]} == {
        "placed", "confirmed", "shipped", "completed", "cancelled"}
    assert orders["total"] == 6
