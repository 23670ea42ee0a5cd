"""The shop end to end: a visitor buys the last-but-some item of a product, its stock on the
product page drops, the enterprise confirms and ships, and the buyer sees it shipped."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from e2e.browsing import login, logout, shot

pytestmark = pytest.mark.browser

PRODUCT = "Micro-OLED 显示模组"  # a product of demo-ent-01, where the `enterprise` account works


def _register(page: Page, username: str, password: str) -> None:
    response = page.request.post("/api/auth/register", data={
        "username": username, "password": password, "display_name": "市民 陆远"})
    assert response.status == 201, response.text()
    page.context.clear_cookies()


def _stock_on_product_page(page: Page) -> int:
    stock = page.get_by_test_id("product-stock")
    expect(stock).to_be_visible()
    return int(stock.get_attribute("data-stock") or "-1")


def test_buy_confirm_ship_and_see_it_shipped(page: Page) -> None:
    _register(page, "shopper_lu", "Tinglin-park-88")
    login(page, "shopper_lu", "Tinglin-park-88")
    page.goto("/shop")
    expect(page.get_by_test_id("product-grid")).to_be_visible()
    shot(page, "commerce-01-shop")
    page.get_by_test_id("shop-search").fill(PRODUCT)
    card = page.get_by_test_id("product-card").filter(has_text=PRODUCT)
    expect(card).to_have_count(1)
    card.click()
    expect(page).to_have_url(re.compile(r"/shop/products/\d+$"))
    product_url = page.url
    before = _stock_on_product_page(page)
    shot(page, "commerce-02-product")
    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_text("已加入购物车").first).to_be_visible()

    page.goto("/cart")
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    page.get_by_test_id("checkout-name").fill("陆远")
    page.get_by_test_id("checkout-phone").fill("1380000")
    page.get_by_test_id("checkout-address").fill("江苏省昆山市亭林路 1 号（示例地址）")
    page.get_by_test_id("checkout-submit").click()
    expect(page.get_by_text("手机号格式不正确").first).to_be_visible()  # nothing ordered yet
    page.get_by_test_id("checkout-phone").fill("13800000088")
    shot(page, "commerce-03-cart")
    page.get_by_test_id("checkout-submit").click()
    expect(page).to_have_url(re.compile(r"/orders$"))
    order = page.get_by_test_id("order-card").first
    expect(order.get_by_test_id("order-status")).to_have_text("待确认")
    order_id = order.get_attribute("data-order-id")
    shot(page, "commerce-04-my-orders-placed")

    page.goto(product_url)
    assert _stock_on_product_page(page) == before - 1
    logout(page)

    login(page, "enterprise", DEMO_PASSWORD)
    page.goto("/seller/orders")
    mine = page.locator(f'[data-testid="order-card"][data-order-id="{order_id}"]')
    expect(mine).to_be_visible()
    mine.get_by_test_id("order-confirm").click()
    expect(mine.get_by_test_id("order-status")).to_have_text("已确认")
    mine.get_by_test_id("order-ship").click()
    page.get_by_test_id("seller-order-text").fill("顺丰速运 SF2025112300（示例）")
    page.get_by_test_id("seller-order-submit").click()
    expect(mine.get_by_test_id("order-status")).to_have_text("已发货")
    shot(page, "commerce-05-enterprise-shipped")
    page.goto("/seller/products")
    expect(page.get_by_test_id("seller-product-table")).to_be_visible()
    shot(page, "commerce-06-enterprise-products")
    logout(page)

    login(page, "shopper_lu", "Tinglin-park-88")
    page.goto("/orders")
    shipped = page.locator(f'[data-testid="order-card"][data-order-id="{order_id}"]')
    expect(shipped.get_by_test_id("order-status")).to_have_text("已发货")
    expect(shipped.get_by_test_id("order-tracking")).to_contain_text("SF2025112300")
    shot(page, "commerce-07-buyer-sees-shipped")
    shipped.get_by_test_id("order-complete").click()
    expect(shipped.get_by_test_id("order-status")).to_have_text("已完成")


def test_shop_pages_at_phone_width_and_in_english(phone: Page) -> None:
    phone.goto("/shop?category=hardware")
    expect(phone.get_by_test_id("product-card").first).to_be_visible()
    shot(phone, "commerce-08-shop-phone")
    phone.get_by_test_id("product-card").first.click()
    expect(phone.get_by_test_id("product-detail")).to_be_visible()
    shot(phone, "commerce-09-product-phone")
    login(phone, "visitor", DEMO_PASSWORD)
    phone.goto("/orders")
    expect(phone.get_by_test_id("order-card").first).to_be_visible()
    shot(phone, "commerce-10-orders-phone")
    phone.get_by_test_id("lang-switch").click()
    phone.goto("/shop")
    expect(phone.get_by_text("Expo shop · factory direct")).to_be_visible()
    shot(phone, "commerce-11-shop-phone-en")


def test_enterprise_creates_a_product_with_an_image(page: Page) -> None:
    login(page, "enterprise", DEMO_PASSWORD)
    page.goto("/seller/products")
    page.get_by_test_id("product-new").click()
    page.get_by_test_id("product-form-name").fill("示例·展会限定 AR 眼镜套装")
    page.get_by_test_id("product-form-price").locator("input").fill("1999")
    page.get_by_test_id("product-form-stock").locator("input").fill("5")
    page.get_by_test_id("product-form-published").click()
    page.get_by_test_id("product-form-save").click()
    upload = page.get_by_test_id("product-form-upload")
    expect(upload).to_be_attached()
    upload.set_input_files(files=[{"name": "cover.png", "mimeType": "image/png",
                                   "buffer": _tiny_png()}])
    expect(page.get_by_test_id("product-form-image")).to_have_count(1)
    shot(page, "commerce-12-product-editor")
    page.goto("/shop?q=展会限定")
    card = page.get_by_test_id("product-card").first
    expect(card.locator("img")).to_be_visible()


def _tiny_png() -> bytes:
    """A 2×2 PNG made here, so the test needs no image file."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x1f\x6f\xeb" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
