"""Shop API for enterprise members: their own products and the orders placed with them.

Every call works on the caller's own enterprise; another enterprise's product or order is
answered 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import Principal, Role, Scope, roles_policy
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.core.ratelimit import RateLimiter
from cityverse.modules.commerce import catalog, images, orders
from cityverse.modules.commerce.models import Order, Product
from cityverse.modules.commerce.schemas import (
    CancelIn,
    Category,
    ImageOrder,
    OrderOut,
    OrderStatus,
    ProductIn,
    ProductOut,
    ProductPatch,
    ShipIn,
)

router = make_router("/api/commerce/seller", "commerce")

Member = Annotated[Principal, requires(roles_policy(Role.ENTERPRISE, scope=Scope.WRITE))]
MemberReader = Annotated[Principal, requires(roles_policy(Role.ENTERPRISE, scope=Scope.READ))]
Paging = Annotated[PageParams, Depends(page_params)]

seller_limiter = RateLimiter("commerce_seller", limit=120, window_seconds=60)

IMAGE_BODY = {
    "requestBody": {
        "required": True,
        "description": f"The image file itself (PNG, JPEG or WebP, at most "
                       f"{images.MAX_IMAGE_BYTES} bytes).",
        "content": {t: {"schema": {"type": "string", "format": "binary"}}
                    for t in ("image/png", "image/jpeg", "image/webp")},
    }
}


async def _product_out(db: Db, product: Product) -> ProductOut:
    return (await catalog.outs(db, [product]))[0]


async def _order_out(db: Db, order: Order) -> OrderOut:
    return (await orders.outs(db, [order]))[0]


@router.get("/products", response_model=PageOut[ProductOut])
async def my_products(
    db: Db, me: MemberReader, paging: Paging,
    category: Category | None = Query(None),
    published: bool | None = Query(None),
    in_stock: bool | None = Query(None),
    q: str | None = Query(None, max_length=64),
) -> PageOut[ProductOut]:
    """The enterprise's products, published or not."""
    enterprise_id = await catalog.member_enterprise(db, me.user_id)
    where = catalog.ProductFilter(enterprise_id=enterprise_id, category=category,
                                  published=published, in_stock=in_stock, q=q)
    page = await catalog.list_products(db, paging, where)
    return PageOut[ProductOut](items=await catalog.outs(db, page.items), total=page.total,
                               page=page.page, size=page.size)


@router.post("/products", response_model=ProductOut, status_code=201)
async def create_product(body: ProductIn, db: Db, me: Member) -> ProductOut:
    seller_limiter.hit(str(me.user_id))
    enterprise_id = await catalog.member_enterprise(db, me.user_id)
    return await _product_out(db, await catalog.create_product(db, me, enterprise_id, body))


@router.get("/products/{product_id}", response_model=ProductOut)
async def my_product(product_id: int, db: Db, me: MemberReader) -> ProductOut:
    enterprise_id = await catalog.member_enterprise(db, me.user_id)
    return await _product_out(db, await catalog.own_product(db, enterprise_id, product_id))


@router.patch("/products/{product_id}", response_model=ProductOut)
async def update_product(product_id: int, body: ProductPatch, db: Db, me: Member) -> ProductOut:
    """Edits, restocks, publishes or withdraws a product; only the given fields change."""
    seller_limiter.hit(str(me.user_id))
    enterprise_id = await catalog.member_enterprise(db, me.user_id)
    product = await catalog.own_product(db, enterprise_id, product_id)
    return await _product_out(db, await catalog.update_product(db, me, product, body))


@router.post("/products/{product_id}/images", response_model=ProductOut, openapi_extra=IMAGE_BODY)
async def upload_image(
    product_id: int, request: Request, db: Db, me: Member, settings: AppSettings
) -> ProductOut:
    """Adds an image; the file's own bytes decide its type, not the Content-Type header."""
    seller_limiter.hit(str(me.user_id))
    enterprise_id = await catalog.member_enterprise(db, me.user_id)
    product = await catalog.own_product(db, enterprise_id, product_id)
    data = await request.body()
    product = await catalog.add_image(db, me, product, settings.data_dir, data)
    return await _product_out(db, product)


@router.put("/products/{product_id}/images", response_model=ProductOut)
async def order_images(product_id: int, body: ImageOrder, db: Db, me: Member) -> ProductOut:
    """Reorders (cover first) or removes images, by blob name."""
    seller_limiter.hit(str(me.user_id))
    enterprise_id = await catalog.member_enterprise(db, me.user_id)
    product = await catalog.own_product(db, enterprise_id, product_id)
    return await _product_out(db, await catalog.set_images(db, me, product, body.images))


@router.get("/orders", response_model=PageOut[OrderOut])
async def enterprise_orders(
    db: Db, me: MemberReader, paging: Paging, status: OrderStatus | None = Query(None),
) -> PageOut[OrderOut]:
    """Orders placed with the enterprise, newest first."""
    enterprise_id = await catalog.member_enterprise(db, me.user_id)
    page = await orders.list_orders(db, paging, enterprise_id=enterprise_id, status=status)
    return PageOut[OrderOut](items=await orders.outs(db, page.items), total=page.total,
                             page=page.page, size=page.size)


@router.get("/orders/{order_id}", response_model=OrderOut)
async def enterprise_order(order_id: int, db: Db, me: MemberReader) -> OrderOut:
    enterprise_id = await catalog.member_enterprise(db, me.user_id)
    return await _order_out(db, await orders.enterprise_order(db, enterprise_id, order_id))


async def _move(db: Db, me: Principal, order_id: int, move: str, note: str | None) -> OrderOut:
    seller_limiter.hit(str(me.user_id))
    enterprise_id = await catalog.member_enterprise(db, me.user_id)
    order = await orders.enterprise_order(db, enterprise_id, order_id)
    await orders.transition(db, me, order, move, "enterprise", note=note)
    return await _order_out(db, order)


@router.post("/orders/{order_id}/confirm", response_model=OrderOut)
async def confirm_order(order_id: int, db: Db, me: Member) -> OrderOut:
    """Accepts a placed order."""
    return await _move(db, me, order_id, "confirm", None)


@router.post("/orders/{order_id}/ship", response_model=OrderOut)
async def ship_order(order_id: int, body: ShipIn, db: Db, me: Member) -> OrderOut:
    """Marks a confirmed order shipped, with a tracking note for the buyer."""
    return await _move(db, me, order_id, "ship", body.tracking_note)


@router.post("/orders/{order_id}/cancel", response_model=OrderOut)
async def cancel_order(order_id: int, body: CancelIn, db: Db, me: Member) -> OrderOut:
    """Cancels before shipping; a reason is required and the stock goes back on sale."""
    return await _move(db, me, order_id, "cancel", body.reason)
