"""What other parts of the platform may ask the shop (through this file only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.auth.policy import Principal
from cityverse.modules.commerce import cart, images, orders
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


@dataclass(frozen=True)
class ProductCard:
    """What another part of the platform shows of a product: name, price, cover image."""

    id: int
    name: str
    name_en: str
    price_fen: int
    image_url: str | None


async def enterprise_products(
    session: AsyncSession, enterprise_id: int, ids: list[int] | None = None, *,
    published_only: bool = False,
) -> list[ProductCard]:
    """The enterprise's products (those of `ids` only, in that order, when given); another
    enterprise's ids are left out, so a caller cannot show someone else's goods."""
    query = select(Product).where(Product.enterprise_id == enterprise_id)
    if ids is not None:
        query = query.where(Product.id.in_(ids))
    if published_only:
        query = query.where(Product.published.is_(True))
    found = {p.id: p for p in await session.scalars(query.order_by(Product.id).limit(200))}
    order = ids if ids is not None else list(found)
    return [
        ProductCard(p.id, p.name, p.name_en or p.name, p.price_fen,
                    images.url_of(p.images[0]) if p.images else None)
        for p in (found[i] for i in order if i in found)
    ]


def store_image(data_dir: Path, data: bytes) -> str:
    """Stores a picture in the shop's image store (size- and type-checked); its blob name."""
    return images.store(data_dir, data)


def image_url(name: str) -> str:
    return images.url_of(name)


def is_image_url(url: str) -> bool:
    """Whether the path names a picture of the shop's image store."""
    prefix = images.url_of("")
    return url.startswith(prefix) and bool(images.BLOB_NAME.match(url.removeprefix(prefix)))
