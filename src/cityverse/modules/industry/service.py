"""Enterprise registry rules (the directory part; services and declarations come later)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.auth.id_numbers import IdNumberError, parse_uscc
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.industry.models import Enterprise, EnterpriseMember


async def list_enterprises(
    session: AsyncSession, params: PageParams, *, segment: str | None, q: str | None
) -> Page[Enterprise]:
    query = select(Enterprise)
    if segment:
        query = query.where(Enterprise.segment == segment)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(func.lower(Enterprise.name).like(like), func.lower(Enterprise.name_en).like(like),
                Enterprise.uscc == q.upper())
        )
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        params.apply(query, Enterprise, default="id", allowed={"id", "name", "founded_year"})
    )
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def get_enterprise(session: AsyncSession, enterprise_id: int) -> Enterprise:
    found = await session.get(Enterprise, enterprise_id)
    if found is None:
        raise AppError(404, "not_found")
    return found


async def enterprise_of_user(session: AsyncSession, user_id: int) -> Enterprise | None:
    found: Enterprise | None = await session.scalar(
        select(Enterprise)
        .join(EnterpriseMember, EnterpriseMember.enterprise_id == Enterprise.id)
        .where(EnterpriseMember.user_id == user_id)
        .limit(1)
    )
    return found


async def upsert_enterprise(session: AsyncSession, data: dict[str, Any]) -> Enterprise:
    """Create or update by city-pack key; the USCC must pass the GB 32100 check."""
    try:
        data = {**data, "uscc": parse_uscc(data["uscc"])}
    except IdNumberError as exc:
        raise ValueError(f"{data.get('key')}: bad USCC {data.get('uscc')}: {exc}") from exc
    found = await session.scalar(select(Enterprise).where(Enterprise.key == data["key"]))
    if found is None:
        found = Enterprise(**data)
        session.add(found)
    else:
        for name, value in data.items():
            setattr(found, name, value)
    await session.flush()
    return found


async def add_member(session: AsyncSession, enterprise_id: int, user_id: int) -> None:
    exists = await session.scalar(
        select(EnterpriseMember.id).where(
            EnterpriseMember.enterprise_id == enterprise_id, EnterpriseMember.user_id == user_id
        )
    )
    if not exists:
        session.add(EnterpriseMember(enterprise_id=enterprise_id, user_id=user_id))
        await session.flush()


async def stats(session: AsyncSession) -> dict[str, int]:
    count = await session.scalar(select(func.count()).select_from(Enterprise))
    return {"enterprises": count or 0}
