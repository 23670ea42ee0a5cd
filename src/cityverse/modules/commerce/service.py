"""What other parts of the platform may ask the shop (through this file only)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.modules.commerce.models import Order, Product


async def stats(session: AsyncSession) -> dict[str, int]:
    products = await session.scalar(
        select(func.count()).select_from(Product).where(Product.published.is_(True))
    )
    orders = await session.scalar(select(func.count()).select_from(Order))
    return {"products": products or 0, "orders": orders or 0}
