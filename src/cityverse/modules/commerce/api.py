"""Shop API for everyone: browsing products, the cart, checkout and the buyer's orders."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Response
from fastapi.responses import FileResponse

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import PUBLIC, SIGNED_IN, SIGNED_IN_WRITE, Principal
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.core.ratelimit import RateLimiter
from cityverse.modules.commerce import cart, catalog, images, messages, orders
from cityverse.modules.commerce.schemas import (
    CancelIn,
    CartAdd,
    CartOut,
    CartQuantity,
    Category,
    CheckoutIn,
    CheckoutOut,
    OrderOut,
    OrderStatus,
    ProductOut,
)

assert messages.MESSAGES  # registers the module's error messages

router = make_router("/api/commerce", "commerce")

Anyone = Annotated[None, requires(PUBLIC)]
Reader = Annotated[Principal, requires(SIGNED_IN)]
Writer = Annotated[Principal, requires(SIGNED_IN_WRITE)]
Paging = Annotated[PageParams, Depends(page_params)]

# Per user: generous for a person clicking, tight enough to blunt a script hammering stock.
cart_limiter = RateLimiter("commerce_cart", limit=120, window_seconds=60)
checkout_limiter = RateLimiter("commerce_checkout", limit=20, window_seconds=60)
order_limiter = RateLimiter("commerce_order", limit=60, window_seconds=60)


@router.get("/products", response_model=PageOut[ProductOut])
async def list_products(
    db: Db, _: Anyone, paging: Paging,
    enterprise_id: int | None = Query(None, ge=1, description="Only this enterprise's products."),
    category: Category | None = Query(None),
    min_price_fen: int | None = Query(None, ge=0, description="Lowest price, in fen."),
    max_price_fen: int | None = Query(None, ge=0, description="Highest price, in fen."),
    in_stock: bool | None = Query(None, description="true: only available; false: sold out."),
    q: str | None = Query(None, max_length=64, description="Part of the product name."),
) -> PageOut[ProductOut]:
    """Published products. Sort by `id`, `price_fen`, `created_at`, `name` or `stock`."""
    where = catalog.ProductFilter(enterprise_id=enterprise_id, category=category,
                                  min_price_fen=min_price_fen, max_price_fen=max_price_fen,
                                  in_stock=in_stock, q=q, published=True)
    page = await catalog.list_products(db, paging, where)
    return PageOut[ProductOut](items=await catalog.outs(db, page.items), total=page.total,
                               page=page.page, size=page.size)


@router.get("/products/{product_id}", response_model=ProductOut)
async def get_product(product_id: int, db: Db, _: Anyone) -> ProductOut:
    """One published product with its current stock."""
    product = await catalog.public_product(db, product_id)
    return (await catalog.outs(db, [product]))[0]


@router.get("/images/{name}", response_class=FileResponse,
            responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "image/webp": {}}}})
async def get_image(name: str, _: Anyone, settings: AppSettings) -> FileResponse:
    """A product image; names are content hashes, so the answer may be cached for good."""
    path = images.path_of(settings.data_dir, name)
    return FileResponse(path, media_type=images.content_type(name),
                        headers={"Cache-Control": "public, max-age=31536000, immutable",
                                 "X-Content-Type-Options": "nosniff"})


@router.get("/cart", response_model=CartOut)
async def get_cart(db: Db, me: Reader) -> CartOut:
    """The caller's cart; `available` is false for lines that can no longer be bought."""
    return await cart.view(db, me.user_id)


@router.post("/cart/items", response_model=CartOut)
async def add_to_cart(body: CartAdd, db: Db, me: Writer) -> CartOut:
    """Adds a product (to the quantity already in the cart)."""
    cart_limiter.hit(str(me.user_id))
    await cart.add(db, me.user_id, body.product_id, body.quantity)
    return await cart.view(db, me.user_id)


@router.patch("/cart/items/{product_id}", response_model=CartOut)
async def set_cart_quantity(product_id: int, body: CartQuantity, db: Db, me: Writer) -> CartOut:
    cart_limiter.hit(str(me.user_id))
    await cart.set_quantity(db, me.user_id, product_id, body.quantity)
    return await cart.view(db, me.user_id)


@router.delete("/cart/items/{product_id}", response_model=CartOut)
async def remove_from_cart(product_id: int, db: Db, me: Writer) -> CartOut:
    cart_limiter.hit(str(me.user_id))
    await cart.remove(db, me.user_id, product_id)
    return await cart.view(db, me.user_id)


@router.post("/checkout", response_model=CheckoutOut, status_code=201,
             responses={200: {"model": CheckoutOut, "description": "Replayed Idempotency-Key."}})
async def checkout(
    body: CheckoutIn, response: Response, db: Db, me: Writer,
    idempotency_key: str = Header(
        min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_\-:.]+$",
        description="A new random value per checkout; a retry with the same value returns "
                    "the orders of the first attempt instead of ordering again.",
    ),
) -> CheckoutOut:
    """Places one order per enterprise from the cart, reserving the stock."""
    checkout_limiter.hit(str(me.user_id))
    placed, replayed = await orders.checkout(db, me, body, idempotency_key)
    if replayed:
        response.status_code = 200
    return CheckoutOut(orders=placed, replayed=replayed)


@router.get("/orders", response_model=PageOut[OrderOut])
async def my_orders(
    db: Db, me: Reader, paging: Paging, status: OrderStatus | None = Query(None),
) -> PageOut[OrderOut]:
    """The caller's orders, newest first (sort by `id`, `placed_at` or `total_fen`)."""
    page = await orders.list_orders(db, paging, buyer_id=me.user_id, status=status)
    return PageOut[OrderOut](items=await orders.outs(db, page.items), total=page.total,
                             page=page.page, size=page.size)


@router.get("/orders/{order_id}", response_model=OrderOut)
async def my_order(order_id: int, db: Db, me: Reader) -> OrderOut:
    order = await orders.buyer_order(db, me.user_id, order_id)
    return (await orders.outs(db, [order]))[0]


@router.post("/orders/{order_id}/cancel", response_model=OrderOut)
async def cancel_my_order(order_id: int, body: CancelIn, db: Db, me: Writer) -> OrderOut:
    """Cancels before shipping; the stock goes back on sale."""
    order_limiter.hit(str(me.user_id))
    order = await orders.buyer_order(db, me.user_id, order_id)
    await orders.transition(db, me, order, "cancel", "buyer", note=body.reason)
    return (await orders.outs(db, [order]))[0]


@router.post("/orders/{order_id}/complete", response_model=OrderOut)
async def confirm_receipt(order_id: int, db: Db, me: Writer) -> OrderOut:
    """The buyer confirms receipt of a shipped order."""
    order_limiter.hit(str(me.user_id))
    order = await orders.buyer_order(db, me.user_id, order_id)
    await orders.transition(db, me, order, "complete", "buyer")
    return (await orders.outs(db, [order]))[0]
