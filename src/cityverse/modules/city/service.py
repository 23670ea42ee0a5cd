"""The city's gazetteer."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.modules.city.models import Place
from cityverse.modules.city.schemas import PlaceIn


async def list_places(session: AsyncSession, kind: str | None) -> list[Place]:
    query = select(Place).order_by(Place.kind, Place.id)
    if kind:
        query = query.where(Place.kind == kind)
    return list(await session.scalars(query))


async def upsert_place(session: AsyncSession, data: PlaceIn) -> Place:
    found = await session.scalar(select(Place).where(Place.key == data.key))
    if found is None:
        found = Place(**data.model_dump())
        session.add(found)
    else:
        for name, value in data.model_dump().items():
            setattr(found, name, value)
    await session.flush()
    return found


async def stats(session: AsyncSession) -> dict[str, int]:
    count = await session.scalar(select(func.count()).select_from(Place))
    return {"places": count or 0}
