"""Products: enterprise members manage their own, everyone browses the published ones."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from cityverse.core.auth.policy import Role
from cityverse.modules.commerce.models import Product
from commerce_support import Shop
from tests_support import audit_actions

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 64


async def _count(app: FastAPI) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Product)) or 0)


async def test_member_creates_edits_and_publishes_own_products(shop: Shop) -> None:
    draft = await shop.product(name="示例·草稿", published=False, stock=3)
    listed = (await shop.seller_a.get("/api/commerce/seller/products")).json()
    assert [p["name"] for p in listed["items"]] == ["示例·草稿"]
    public = await shop.buyer.get(f"/api/commerce/products/{draft}")
    assert public.status_code == 404  # drafts are not on sale
    patched = await shop.seller_a.patch(f"/api/commerce/seller/products/{draft}",
                                        json={"published": True, "stock": 7, "price_fen": 100})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["stock"], patched.json()["price_fen"]) == (7, 100)
    shown = (await shop.buyer.get(f"/api/commerce/products/{draft}")).json()
    assert shown["enterprise_name"] == "示例·a" and shown["published"] is True
    assert "commerce.product.update" in await audit_actions(shop.app)


async def test_another_enterprise_cannot_see_or_touch_a_product(shop: Shop) -> None:
    product = await shop.product()
    for call in (shop.seller_b.get(f"/api/commerce/seller/products/{product}"),
                 shop.seller_b.patch(f"/api/commerce/seller/products/{product}",
                                     json={"stock": 0}),
                 shop.seller_b.post(f"/api/commerce/seller/products/{product}/images",
                                    content=PNG, headers={"Content-Type": "image/png"})):
        assert (await call).status_code == 404
    assert await shop.stock(product) == 10


async def test_enterprise_role_without_membership_is_refused(
    shop: Shop, signed_in
) -> None:
    loner = await signed_in("loner", Role.ENTERPRISE)
    response = await loner.post("/api/commerce/seller/products",
                                json={"name": "x", "category": "hardware", "price_fen": 1})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_enterprise_member"
    assert (await shop.buyer.get("/api/commerce/seller/products")).status_code == 403


async def test_bad_product_input_is_refused_and_nothing_written(shop: Shop) -> None:
    bad = [
        {"name": "", "category": "hardware", "price_fen": 1},
        {"name": "x", "category": "weapons", "price_fen": 1},
        {"name": "x", "category": "hardware", "price_fen": -1},
        {"name": "x", "category": "hardware", "price_fen": 1, "stock": -5},
        {"name": "x", "category": "hardware", "price_fen": 1, "model_path": "../etc/passwd"},
        {"name": "x", "category": "hardware", "price_fen": 1, "surprise": True},
        {"name": "x", "category": "hardware", "price_fen": "cheap"},
    ]
    for body in bad:
        response = await shop.seller_a.post("/api/commerce/seller/products", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["fields"], body
    assert await _count(shop.app) == 0


async def test_public_list_filters_sorts_and_pages(shop: Shop, client: httpx.AsyncClient) -> None:
    await shop.product(name="示例·头显", price_fen=300000, stock=0)
    await shop.product(name="示例·引擎授权", category="software", price_fen=50000)
    await shop.product(name="示例·手柄", price_fen=20000, stock=2)
    await shop.product(shop.seller_b, name="示例·数字人", category="content", price_fen=90000)
    await shop.product(name="示例·隐藏", published=False)
    everything = (await client.get("/api/commerce/products")).json()
    assert everything["total"] == 4
    cheap_first = (await client.get("/api/commerce/products?sort=price_fen")).json()
    assert [p["price_fen"] for p in cheap_first["items"]] == [20000, 50000, 90000, 300000]
    hardware = (await client.get("/api/commerce/products?category=hardware&in_stock=true")).json()
    assert [p["name"] for p in hardware["items"]] == ["示例·手柄"]
    ranged = await client.get("/api/commerce/products?min_price_fen=40000&max_price_fen=100000")
    assert ranged.json()["total"] == 2
    of_b = await client.get(f"/api/commerce/products?enterprise_id={shop.enterprise_b}")
    assert [p["name"] for p in of_b.json()["items"]] == ["示例·数字人"]
    paged = (await client.get("/api/commerce/products?size=3&page=2&sort=-price_fen")).json()
    assert [p["price_fen"] for p in paged["items"]] == [20000]
    found = (await client.get("/api/commerce/products?q=引擎")).json()
    assert found["total"] == 1
    assert (await client.get("/api/commerce/products?sort=secret")).status_code == 422
    assert (await client.get("/api/commerce/products?category=x")).status_code == 422


async def test_image_upload_is_type_and_size_checked(shop: Shop, client: httpx.AsyncClient) -> None:
    product = await shop.product()
    url = f"/api/commerce/seller/products/{product}/images"
    uploaded = await shop.seller_a.post(url, content=PNG, headers={"Content-Type": "image/png"})
    assert uploaded.status_code == 200, uploaded.text
    again = await shop.seller_a.post(url, content=WEBP, headers={"Content-Type": "image/webp"})
    cover, second = again.json()["images"]
    image = await client.get(cover)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content == PNG
    # An HTML page renamed .png is refused whatever the header says.
    fake = await shop.seller_a.post(url, content=b"<html><script>alert(1)</script></html>",
                                    headers={"Content-Type": "image/png"})
    assert fake.status_code == 415 and fake.json()["error"]["code"] == "image_type"
    huge = await shop.seller_a.post(url, content=PNG + b"\x00" * 1_000_000,
                                    headers={"Content-Type": "image/png"})
    assert huge.status_code == 413
    reordered = await shop.seller_a.put(url, json={"images": [second.rsplit("/", 1)[1]]})
    assert reordered.json()["images"] == [second]
    unknown = await shop.seller_a.put(url, json={"images": ["0" * 64 + ".png"]})
    assert unknown.status_code == 422
    assert (await client.get("/api/commerce/images/..%2F..%2Fcityverse.db")).status_code == 404
    assert (await client.get("/api/commerce/images/" + "a" * 64 + ".png")).status_code == 404
    assert "commerce.product.images" in await audit_actions(shop.app)
