"""No overselling: many buyers check out the last items at the same moment.

Runs on SQLite and, with CITYVERSE_TEST_DATABASE=postgres, on a real PostgreSQL server.
"""

from __future__ import annotations

import asyncio

import httpx

from cityverse.core.auth.policy import Role
from commerce_support import Shop, checkout

BUYERS = 12
LAST_ITEMS = 4


async def _buyers_with_the_product_in_cart(
    signed_in, product_id: int, count: int
) -> list[httpx.AsyncClient]:
    buyers = []
    for index in range(count):
        buyer = await signed_in(f"rush_{index}", Role.VISITOR)
        added = await buyer.post("/api/commerce/cart/items", json={"product_id": product_id})
        assert added.status_code == 200, added.text
        buyers.append(buyer)
    return buyers


async def test_concurrent_checkouts_never_oversell(shop: Shop, signed_in) -> None:
    product = await shop.product(stock=LAST_ITEMS)
    buyers = await _buyers_with_the_product_in_cart(signed_in, product, BUYERS)
    answers = await asyncio.gather(
        *(checkout(buyer, f"rush-key-{index}") for index, buyer in enumerate(buyers))
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] * LAST_ITEMS + [409] * (BUYERS - LAST_ITEMS), \
        [a.text for a in answers if a.status_code not in (201, 409)]
    refused = [a.json()["error"]["code"] for a in answers if a.status_code == 409]
    assert set(refused) == {"out_of_stock"}
    assert await shop.stock(product) == 0
    orders = (await shop.seller_a.get("/api/commerce/seller/orders")).json()
    assert orders["total"] == LAST_ITEMS


async def test_concurrent_multi_item_checkouts_take_whole_carts_or_nothing(
    shop: Shop, signed_in
) -> None:
    """Carts of two products fight over both; each checkout takes all of its cart or none."""
    first = await shop.product(name="示例·甲", stock=3)
    second = await shop.product(shop.seller_b, name="示例·乙", stock=3)
    buyers = await _buyers_with_the_product_in_cart(signed_in, first, 8)
    for buyer in buyers:
        await buyer.post("/api/commerce/cart/items", json={"product_id": second})
    answers = await asyncio.gather(
        *(checkout(buyer, f"pair-key-{index}") for index, buyer in enumerate(buyers))
    )
    placed = [a for a in answers if a.status_code == 201]
    assert len(placed) == 3
    assert all(len(a.json()["orders"]) == 2 for a in placed)
    assert (await shop.stock(first), await shop.stock(second)) == (0, 0)


async def test_concurrent_cancels_release_the_stock_once(shop: Shop) -> None:
    product = await shop.product(stock=2)
    await shop.buyer.post("/api/commerce/cart/items", json={"product_id": product})
    order = (await checkout(shop.buyer, "cancel-race-1")).json()["orders"][0]["id"]
    answers = await asyncio.gather(
        *(shop.buyer.post(f"/api/commerce/orders/{order}/cancel", json={}) for _ in range(3)),
        shop.seller_a.post(f"/api/commerce/seller/orders/{order}/cancel",
                           json={"reason": "缺货"}),
    )
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409]
    assert await shop.stock(product) == 2


async def test_same_key_racing_orders_once(shop: Shop) -> None:
    product = await shop.product(stock=5)
    await shop.buyer.post("/api/commerce/cart/items", json={"product_id": product})
    answers = await asyncio.gather(*(checkout(shop.buyer, "double-click-1") for _ in range(3)))
    assert sum(a.status_code == 201 for a in answers) == 1
    assert all(a.status_code in (200, 201, 409) for a in answers)
    assert await shop.stock(product) == 4
