"""Each signed-in user's cart. Stock is only checked here; it is reserved at checkout."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.errors import AppError
from cityverse.modules.commerce import catalog
from cityverse.modules.commerce.models import CartItem, Product
from cityverse.modules.commerce.schemas import MAX_QUANTITY, CartLineOut, CartOut

MAX_CART_LINES = 30


async def lines(session: AsyncSession, user_id: int) -> list[tuple[CartItem, Product]]:
    """The cart's items with their products, in product order (also the order in which
    checkout takes stock, so two checkouts never wait on each other crosswise)."""
    rows = await session.execute(
        select(CartItem, Product)
        .join(Product, Product.id == CartItem.product_id)
        .where(CartItem.user_id == user_id)
        .order_by(Product.id)
    )
    return [(item, product) for item, product in rows.tuples()]


async def view(session: AsyncSession, user_id: int) -> CartOut:
    found = await lines(session, user_id)
    products = await catalog.outs(session, [product for _, product in found])
    items = [
        CartLineOut(product=out, quantity=item.quantity, line_fen=item.quantity * p.price_fen,
                    available=p.published and p.stock >= item.quantity)
        for (item, p), out in zip(found, products, strict=True)
    ]
    return CartOut(items=items, count=sum(i.quantity for i in items),
                   total_fen=sum(i.line_fen for i in items if i.available))


def _check_quantity(product: Product, quantity: int) -> None:
    if quantity > MAX_QUANTITY:
        raise AppError(422, "quantity_limit", limit=MAX_QUANTITY)
    if quantity > product.stock:
        raise AppError(409, "out_of_stock", product=product.name, stock=product.stock)


async def _item(session: AsyncSession, user_id: int, product_id: int) -> CartItem | None:
    found: CartItem | None = await session.scalar(
        select(CartItem).where(CartItem.user_id == user_id, CartItem.product_id == product_id)
    )
    return found


async def add(session: AsyncSession, user_id: int, product_id: int, quantity: int) -> None:
    """Adds to the quantity already in the cart."""
    product = await catalog.public_product(session, product_id)
    item = await _item(session, user_id, product_id)
    if item is None:
        count = await session.scalar(
            select(func.count()).select_from(CartItem).where(CartItem.user_id == user_id)
        )
        if (count or 0) >= MAX_CART_LINES:
            raise AppError(409, "cart_full", limit=MAX_CART_LINES)
        _check_quantity(product, quantity)
        session.add(CartItem(user_id=user_id, product_id=product_id, quantity=quantity))
    else:
        _check_quantity(product, item.quantity + quantity)
        item.quantity += quantity
    await session.flush()


async def set_quantity(
    session: AsyncSession, user_id: int, product_id: int, quantity: int
) -> None:
    item = await _item(session, user_id, product_id)
    if item is None:
        raise AppError(404, "not_found")
    product = await catalog.public_product(session, product_id)
    _check_quantity(product, quantity)
    item.quantity = quantity
    await session.flush()


async def remove(session: AsyncSession, user_id: int, product_id: int) -> None:
    result = await session.execute(
        delete(CartItem).where(CartItem.user_id == user_id, CartItem.product_id == product_id)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise AppError(404, "not_found")


async def empty(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(CartItem).where(CartItem.user_id == user_id))
