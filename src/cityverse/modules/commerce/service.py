"""What other parts of the platform may ask the shop (through this file only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.auth.policy import Principal
from cityverse.modules.commerce import cart, orders
from cityverse.modules.commerce.models import Checkout, Order, Product
from cityverse.modules.commerce.schemas import CheckoutIn, ProductIn


async def upsert_product(
    session: AsyncSession, enterprise_id: int, key: str, data: ProductIn
) -> Product:
    """Creates or updates a product by its city-pack key. Stock is set only on creation:
    it is live state that orders change, and reloading the pack must not reset it."""
    found: Product | None = await session.scalar(select(Product).where(Product.key == key))
    if found is None:
        found = Product(key=key, enterprise_id=enterprise_id, images=[], **data.model_dump())
        session.add(found)
    else:
        for name, value in data.model_dump(exclude={"stock"}).items():
            setattr(found, name, value)
        found.enterprise_id = enterprise_id
    await session.flush()
    return found


@dataclass(frozen=True)
class DemoMove:
    move: str  # confirm | ship | complete | cancel
    by: Literal["buyer", "enterprise"]
    note: str | None = None


async def place_demo_order(
    session: AsyncSession, buyer: Principal, seller: Principal, key: str,
    items: list[tuple[str, int]], contact: CheckoutIn, moves: list[DemoMove],
) -> bool:
    """Places an order through the real cart and checkout and walks it through `moves`;
    False (and nothing done) when the order with this key exists already."""
    if await session.scalar(select(Checkout.id).where(
            Checkout.buyer_id == buyer.user_id, Checkout.idempotency_key == key)):
        return False
    await cart.empty(session, buyer.user_id)
    for product_key, quantity in items:
        product_id = await session.scalar(select(Product.id).where(Product.key == product_key))
        if product_id is None:
            raise ValueError(f"demo order {key}: no product {product_key}")
        await cart.add(session, buyer.user_id, product_id, quantity)
    placed, _ = await orders.checkout(session, buyer, contact, key)
    for placed_order in placed:
        order = await session.get(Order, placed_order.id)
        assert order is not None
        for step in moves:
            actor = seller if step.by == "enterprise" else buyer
            await orders.transition(session, actor, order, step.move, step.by, note=step.note)
    return True
