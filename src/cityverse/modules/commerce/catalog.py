"""The product catalog: public browsing, and each enterprise managing its own products."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.policy import Principal
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.commerce import images
from cityverse.modules.commerce.models import Product
from cityverse.modules.commerce.schemas import (
    MAX_IMAGES,
    ProductIn,
    ProductOut,
    ProductPatch,
)
from cityverse.modules.industry import service as industry

SORTABLE = {"id", "price_fen", "created_at", "name", "stock"}
AUDITED_FIELDS = ("name", "category", "price_fen", "stock", "published", "images")


@dataclass(frozen=True)
class ProductFilter:
    enterprise_id: int | None = None
    category: str | None = None
    min_price_fen: int | None = None
    max_price_fen: int | None = None
    in_stock: bool | None = None
    q: str | None = None
    published: bool | None = None


async def member_enterprise(session: AsyncSession, user_id: int) -> int:
    """The enterprise the caller manages; 403 for someone who belongs to none."""
    enterprise = await industry.enterprise_of_user(session, user_id)
    if enterprise is None:
        raise AppError(403, "not_enterprise_member")
    return enterprise.id


async def enterprise_names(session: AsyncSession, ids: set[int]) -> dict[int, tuple[str, str]]:
    """(zh, en) names; the industry service's lookups hit the session's identity map after
    the first, and a page names at most a page's worth of enterprises."""
    names: dict[int, tuple[str, str]] = {}
    for enterprise_id in sorted(ids):
        found = await industry.get_enterprise(session, enterprise_id)
        names[enterprise_id] = (found.name, found.name_en or found.name)
    return names


def to_out(product: Product, names: dict[int, tuple[str, str]]) -> ProductOut:
    name, name_en = names.get(product.enterprise_id, ("", ""))
    return ProductOut(
        id=product.id, enterprise_id=product.enterprise_id, enterprise_name=name,
        enterprise_name_en=name_en, name=product.name, name_en=product.name_en,
        description=product.description, description_en=product.description_en,
        category=product.category,
        price_fen=product.price_fen, stock=product.stock, published=product.published,
        images=[images.url_of(n) for n in product.images or []], model_path=product.model_path,
        created_at=product.created_at,
    )


async def outs(session: AsyncSession, products: list[Product]) -> list[ProductOut]:
    names = await enterprise_names(session, {p.enterprise_id for p in products})
    return [to_out(p, names) for p in products]


def _filtered(query: Select[tuple[Product]], where: ProductFilter) -> Select[tuple[Product]]:
    if where.published is not None:
        query = query.where(Product.published == where.published)
    if where.enterprise_id is not None:
        query = query.where(Product.enterprise_id == where.enterprise_id)
    if where.category:
        query = query.where(Product.category == where.category)
    if where.min_price_fen is not None:
        query = query.where(Product.price_fen >= where.min_price_fen)
    if where.max_price_fen is not None:
        query = query.where(Product.price_fen <= where.max_price_fen)
    if where.in_stock is True:
        query = query.where(Product.stock > 0)
    elif where.in_stock is False:
        query = query.where(Product.stock == 0)
    if where.q:
        like = f"%{where.q.lower()}%"
        query = query.where(or_(func.lower(Product.name).like(like),
                                func.lower(Product.name_en).like(like)))
    return query


async def list_products(
    session: AsyncSession, params: PageParams, where: ProductFilter
) -> Page[Product]:
    query = _filtered(select(Product), where)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(params.apply(query, Product, default="-id", allowed=SORTABLE))
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def public_product(session: AsyncSession, product_id: int) -> Product:
    found = await session.get(Product, product_id)
    if found is None or not found.published:
        raise AppError(404, "not_found")
    return found


async def own_product(session: AsyncSession, enterprise_id: int, product_id: int) -> Product:
    """A product of the caller's enterprise; another enterprise's product is simply not found."""
    found = await session.get(Product, product_id)
    if found is None or found.enterprise_id != enterprise_id:
        raise AppError(404, "not_found")
    return found


def _snapshot(product: Product) -> dict[str, Any]:
    return {name: getattr(product, name) for name in AUDITED_FIELDS}


async def create_product(
    session: AsyncSession, actor: Principal, enterprise_id: int, data: ProductIn
) -> Product:
    product = Product(enterprise_id=enterprise_id, images=[], **data.model_dump())
    session.add(product)
    await session.flush()
    await audit.record(session, actor_id=actor.user_id, actor_name=actor.username,
                       action="commerce.product.create", target_type="product",
                       target_id=product.id, after=_snapshot(product))
    return product


async def update_product(
    session: AsyncSession, actor: Principal, product: Product, patch: ProductPatch
) -> Product:
    before = _snapshot(product)
    for name, value in patch.model_dump(exclude_unset=True).items():
        if value is None and name != "model_path":
            continue  # only model_path may be cleared; a null elsewhere means "unchanged"
        setattr(product, name, value)
    await session.flush()
    await audit.record(session, actor_id=actor.user_id, actor_name=actor.username,
                       action="commerce.product.update", target_type="product",
                       target_id=product.id, before=before, after=_snapshot(product))
    return product


async def add_image(
    session: AsyncSession, actor: Principal, product: Product, data_dir: Path, data: bytes
) -> Product:
    current = list(product.images or [])
    if len(current) >= MAX_IMAGES:
        raise AppError(409, "too_many_images", limit=MAX_IMAGES)
    images.check(data)  # refuse before touching the disk
    name = images.store(data_dir, data)
    if name not in current:
        await _set_images(session, actor, product, [*current, name])
    return product


async def set_images(
    session: AsyncSession, actor: Principal, product: Product, names: list[str]
) -> Product:
    """Reorders or removes images; only names the product already has are accepted."""
    current = list(product.images or [])
    if len(set(names)) != len(names) or not set(names) <= set(current):
        raise AppError(422, "unknown_image")
    await _set_images(session, actor, product, names)
    return product


async def _set_images(
    session: AsyncSession, actor: Principal, product: Product, names: list[str]
) -> None:
    before = {"images": list(product.images or [])}
    product.images = names
    await session.flush()
    await audit.record(session, actor_id=actor.user_id, actor_name=actor.username,
                       action="commerce.product.images", target_type="product",
                       target_id=product.id, before=before, after={"images": names})
