"""Helpers of the shop tests: two enterprises with one member each, a buyer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from cityverse.modules.industry import service as industry

ENTERPRISE = {"segment": "hardware", "sub_segment": "optics", "town_key": None,
              "description": "", "description_en": "", "name_en": None,
              "founded_year": 2020, "employees": 10, "is_demo": True}
CONTACT = {"contact_name": "周航", "contact_phone": "13800000000",
           "address": "江苏省昆山市玉山镇前进中路 1 号"}


@dataclass
class Shop:
    app: FastAPI
    seller_a: httpx.AsyncClient  # member of enterprise A
    seller_b: httpx.AsyncClient  # member of enterprise B
    buyer: httpx.AsyncClient
    enterprise_a: int
    enterprise_b: int

    async def product(self, seller: httpx.AsyncClient | None = None, **fields: Any) -> int:
        body = {"name": "示例·MR 眼镜", "category": "hardware", "price_fen": 199900,
                "stock": 10, "published": True, **fields}
        response = await (seller or self.seller_a).post("/api/commerce/seller/products",
                                                        json=body)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    async def stock(self, product_id: int) -> int:
        response = await self.seller_a.get(f"/api/commerce/seller/products/{product_id}")
        if response.status_code == 404:
            response = await self.seller_b.get(f"/api/commerce/seller/products/{product_id}")
        return int(response.json()["stock"])


async def make_enterprise(app: FastAPI, key: str, uscc: str, user_id: int) -> int:
    async with app.state.sessionmaker() as session, session.begin():
        found = await industry.upsert_enterprise(
            session, {**ENTERPRISE, "key": key, "name": f"示例·{key}", "uscc": uscc})
        await industry.add_member(session, found.id, user_id)
        return found.id


async def user_id(client: httpx.AsyncClient) -> int:
    return int((await client.get("/api/auth/me")).json()["id"])


async def checkout(client: httpx.AsyncClient, key: str, **contact: str) -> httpx.Response:
    return await client.post("/api/commerce/checkout", json={**CONTACT, **contact},
                             headers={"Idempotency-Key": key})


async def buy(shop: Shop, product_id: int, quantity: int = 1, key: str = "order-key-1") -> int:
    """The buyer puts the product in the cart and checks out; returns the order id."""
    added = await shop.buyer.post("/api/commerce/cart/items",
                                  json={"product_id": product_id, "quantity": quantity})
    assert added.status_code == 200, added.text
    placed = await checkout(shop.buyer, key)
    assert placed.status_code == 201, placed.text
    return int(placed.json()["orders"][0]["id"])
