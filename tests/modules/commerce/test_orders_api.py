"""Cart, checkout and every move of the order workflow, with who may make it."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import func, select, update

from cityverse.core.auth.policy import Role
from cityverse.core.db import utcnow
from cityverse.modules.commerce import tasks
from cityverse.modules.commerce.models import Checkout, Order
from commerce_support import CONTACT, Shop, buy, checkout
from tests_support import audit_actions


async def _orders(app: FastAPI) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Order)) or 0)


async def test_cart_add_update_remove_and_limits(shop: Shop) -> None:
    product = await shop.product(stock=5, price_fen=1000)
    cart = shop.buyer
    added = await cart.post("/api/commerce/cart/items", json={"product_id": product})
    assert added.json()["count"] == 1 and added.json()["total_fen"] == 1000
    more = await cart.post("/api/commerce/cart/items", json={"product_id": product, "quantity": 2})
    assert more.json()["items"][0]["quantity"] == 3
    too_many = await cart.patch(f"/api/commerce/cart/items/{product}", json={"quantity": 6})
    assert too_many.status_code == 409 and too_many.json()["error"]["code"] == "out_of_stock"
    over_limit = await cart.patch(f"/api/commerce/cart/items/{product}", json={"quantity": 21})
    assert over_limit.status_code == 422
    zero = await cart.post("/api/commerce/cart/items", json={"product_id": product, "quantity": 0})
    assert zero.status_code == 422
    changed = await cart.patch(f"/api/commerce/cart/items/{product}", json={"quantity": 2})
    assert changed.json()["total_fen"] == 2000
    removed = await cart.delete(f"/api/commerce/cart/items/{product}")
    assert removed.json()["items"] == []
    assert (await cart.delete(f"/api/commerce/cart/items/{product}")).status_code == 404
    hidden = await shop.product(published=False)
    refused = await cart.post("/api/commerce/cart/items", json={"product_id": hidden})
    assert refused.status_code == 404


async def test_checkout_splits_by_enterprise_and_reserves_stock(shop: Shop) -> None:
    a = await shop.product(stock=5, price_fen=1000)
    b = await shop.product(shop.seller_b, stock=4, price_fen=250)
    await shop.buyer.post("/api/commerce/cart/items", json={"product_id": a, "quantity": 2})
    await shop.buyer.post("/api/commerce/cart/items", json={"product_id": b, "quantity": 4})
    placed = await checkout(shop.buyer, "split-checkout-1", note="工作日送达")
    assert placed.status_code == 201, placed.text
    orders = placed.json()["orders"]
    assert [(o["enterprise_id"], o["total_fen"]) for o in orders] == [
        (shop.enterprise_a, 2000), (shop.enterprise_b, 1000)]
    assert orders[0]["events"][0]["status"] == "placed" and orders[0]["buyer_note"] == "工作日送达"
    assert (await shop.stock(a), await shop.stock(b)) == (3, 0)
    assert (await shop.buyer.get("/api/commerce/cart")).json()["items"] == []
    mine = (await shop.buyer.get("/api/commerce/orders")).json()
    assert mine["total"] == 2
    sold_out = (await shop.buyer.get(f"/api/commerce/products/{b}")).json()
    assert sold_out["stock"] == 0


async def test_checkout_with_the_same_key_orders_once(shop: Shop) -> None:
    product = await shop.product(stock=5)
    await shop.buyer.post("/api/commerce/cart/items", json={"product_id": product})
    first = await checkout(shop.buyer, "retry-me-please")
    await shop.buyer.post("/api/commerce/cart/items", json={"product_id": product})
    second = await checkout(shop.buyer, "retry-me-please")
    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["replayed"] is True
    assert second.json()["orders"][0]["id"] == first.json()["orders"][0]["id"]
    assert await shop.stock(product) == 4 and await _orders(shop.app) == 1
    assert (await checkout(shop.buyer, "a-new-key-123")).status_code == 201


async def test_bad_checkout_is_refused_and_nothing_written(shop: Shop) -> None:
    product = await shop.product(stock=1)
    empty = await checkout(shop.buyer, "empty-cart-1")
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "cart_empty"
    await shop.buyer.post("/api/commerce/cart/items", json={"product_id": product})
    for contact in ({"contact_phone": "12345"}, {"address": "短"}, {"contact_name": ""}):
        refused = await checkout(shop.buyer, "bad-contact-1", **contact)
        assert refused.status_code == 422, contact
    no_key = await shop.buyer.post("/api/commerce/checkout", json=CONTACT)
    assert no_key.status_code == 422
    # The stock went while the item sat in the cart: the whole checkout is refused.
    await shop.seller_a.patch(f"/api/commerce/seller/products/{product}", json={"stock": 0})
    gone = await checkout(shop.buyer, "stock-gone-1")
    assert gone.status_code == 409 and gone.json()["error"]["code"] == "out_of_stock"
    async with shop.app.state.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Checkout)) == 0
    assert await _orders(shop.app) == 0
    assert len((await shop.buyer.get("/api/commerce/cart")).json()["items"]) == 1


async def test_happy_path_placed_confirmed_shipped_completed(shop: Shop) -> None:
    order = await buy(shop, await shop.product())
    url = f"/api/commerce/seller/orders/{order}"
    confirmed = await shop.seller_a.post(f"{url}/confirm")
    assert confirmed.json()["status"] == "confirmed"
    no_note = await shop.seller_a.post(f"{url}/ship", json={})
    assert no_note.status_code == 422
    shipped = await shop.seller_a.post(f"{url}/ship", json={"tracking_note": "顺丰 SF123"})
    assert shipped.json()["tracking_note"] == "顺丰 SF123"
    seen = (await shop.buyer.get(f"/api/commerce/orders/{order}")).json()
    assert seen["status"] == "shipped"
    done = await shop.buyer.post(f"/api/commerce/orders/{order}/complete")
    assert [e["status"] for e in done.json()["events"]] == [
        "placed", "confirmed", "shipped", "completed"]
    actions = await audit_actions(shop.app)
    for move in ("place", "confirm", "ship", "complete"):
        assert f"commerce.order.{move}" in actions


async def test_illegal_transitions_are_409(shop: Shop) -> None:
    order = await buy(shop, await shop.product())
    seller = f"/api/commerce/seller/orders/{order}"
    buyer = f"/api/commerce/orders/{order}"
    ship_early = await shop.seller_a.post(f"{seller}/ship", json={"tracking_note": "x1"})
    assert ship_early.status_code == 409
    assert ship_early.json()["error"]["code"] == "illegal_transition"
    assert (await shop.buyer.post(f"{buyer}/complete")).status_code == 409
    await shop.seller_a.post(f"{seller}/confirm")
    assert (await shop.seller_a.post(f"{seller}/confirm")).status_code == 409
    await shop.seller_a.post(f"{seller}/ship", json={"tracking_note": "顺丰 SF1"})
    late = await shop.buyer.post(f"{buyer}/cancel", json={})
    assert late.status_code == 409  # shipped orders can no longer be cancelled
    assert (await shop.seller_a.post(f"{seller}/cancel", json={"reason": "x"})).status_code == 409
    await shop.buyer.post(f"{buyer}/complete")
    assert (await shop.buyer.post(f"{buyer}/complete")).status_code == 409


async def test_buyer_cancel_gives_the_stock_back_once(shop: Shop) -> None:
    product = await shop.product(stock=3)
    order = await buy(shop, product, quantity=2)
    assert await shop.stock(product) == 1
    cancelled = await shop.buyer.post(f"/api/commerce/orders/{order}/cancel",
                                      json={"reason": "买错了"})
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "买错了"
    again = await shop.buyer.post(f"/api/commerce/orders/{order}/cancel", json={})
    assert again.status_code == 409
    assert await shop.stock(product) == 3


async def test_enterprise_cancel_needs_a_reason(shop: Shop) -> None:
    product = await shop.product(stock=3)
    order = await buy(shop, product)
    url = f"/api/commerce/seller/orders/{order}/cancel"
    no_reason = await shop.seller_a.post(url, json={"reason": "  "})
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["fields"][0]["field"] == "reason"
    await shop.seller_a.post(f"/api/commerce/seller/orders/{order}/confirm")
    done = await shop.seller_a.post(url, json={"reason": "该批次质检未通过"})
    assert done.json()["status"] == "cancelled"
    assert done.json()["events"][-1] == {**done.json()["events"][-1], "actor": "enterprise",
                                         "note": "该批次质检未通过"}
    assert await shop.stock(product) == 3
    assert "commerce.order.cancel" in await audit_actions(shop.app)


async def test_orders_are_private_to_their_buyer_and_enterprise(shop: Shop, signed_in) -> None:
    order = await buy(shop, await shop.product())
    stranger = await signed_in("stranger", Role.VISITOR)
    assert (await stranger.get(f"/api/commerce/orders/{order}")).status_code == 404
    assert (await stranger.post(f"/api/commerce/orders/{order}/cancel",
                                json={})).status_code == 404
    assert (await stranger.get("/api/commerce/orders")).json()["total"] == 0
    other = f"/api/commerce/seller/orders/{order}"
    assert (await shop.seller_b.get(other)).status_code == 404
    assert (await shop.seller_b.post(f"{other}/confirm")).status_code == 404
    assert (await shop.seller_b.get("/api/commerce/seller/orders")).json()["total"] == 0
    # The buyer cannot act as the enterprise.
    assert (await shop.buyer.post(f"{other}/confirm")).status_code == 403
    listed = (await shop.seller_a.get("/api/commerce/seller/orders?status=placed")).json()
    assert [o["id"] for o in listed["items"]] == [order]
    assert listed["items"][0]["buyer_name"] == "buyer"


async def test_shipped_orders_complete_by_themselves_after_the_set_days(shop: Shop) -> None:
    old = await buy(shop, await shop.product(), key="old-order-1")
    recent = await buy(shop, await shop.product(), key="recent-order-1")
    for order in (old, recent):
        await shop.seller_a.post(f"/api/commerce/seller/orders/{order}/confirm")
        await shop.seller_a.post(f"/api/commerce/seller/orders/{order}/ship",
                                 json={"tracking_note": "顺丰 SF1"})
    async with shop.app.state.sessionmaker() as session, session.begin():
        await session.execute(update(Order).where(Order.id == old)
                              .values(updated_at=utcnow() - timedelta(days=15)))
    days = shop.app.state.settings.commerce_auto_complete_days
    assert await tasks.sweep_once(shop.app.state.sessionmaker, days) == 1
    done = (await shop.buyer.get(f"/api/commerce/orders/{old}")).json()
    assert done["status"] == "completed" and done["events"][-1]["actor"] == "system"
    still = (await shop.buyer.get(f"/api/commerce/orders/{recent}")).json()
    assert still["status"] == "shipped"
    assert await tasks.sweep_once(shop.app.state.sessionmaker, days) == 0
