"""The service catalog: officers keep it, everyone browses it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from cityverse.core import audit
from cityverse.core.auth.policy import Principal
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.industry.support.models import SupportProvider, SupportService
from cityverse.modules.industry.support.schemas import ServiceIn, ServiceUpdate


def _snapshot(service: SupportService) -> dict[str, Any]:
    return {"category": service.category, "name": service.name, "sla_days": service.sla_days,
            "is_active": service.is_active}


async def list_services(
    session: AsyncSession, params: PageParams, *, category: str | None = None,
    q: str | None = None, include_inactive: bool = False,
) -> Page[SupportService]:
    query = select(SupportService)
    if not include_inactive:
        query = query.where(SupportService.is_active.is_(True))
    if category:
        query = query.where(SupportService.category == category)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(func.lower(SupportService.name).like(like),
                                func.lower(SupportService.name_en).like(like),
                                func.lower(SupportService.description).like(like)))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    ordered = params.apply(query, SupportService, default="id",
                           allowed={"id", "name", "category", "sla_days"})
    rows = await session.scalars(ordered.options(selectinload(SupportService.providers)))
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def get_service(session: AsyncSession, service_id: int) -> SupportService:
    found = await session.scalar(
        select(SupportService).where(SupportService.id == service_id)
        .options(selectinload(SupportService.providers))
    )
    if found is None:
        raise AppError(404, "not_found")
    return found


async def create_service(
    session: AsyncSession, actor: Principal, data: ServiceIn, *, key: str | None = None
) -> SupportService:
    service = SupportService(
        key=key, category=data.category, name=data.name, name_en=data.name_en,
        description=data.description, description_en=data.description_en,
        sla_days=data.sla_days, is_active=True,
        providers=[SupportProvider(**p.model_dump()) for p in data.providers],
    )
    session.add(service)
    await session.flush()
    await audit.record(session, actor_id=actor.user_id, actor_name=actor.username,
                       action="support.service.create", target_type="support_service",
                       target_id=service.id, after=_snapshot(service))
    return await get_service(session, service.id)


async def update_service(
    session: AsyncSession, actor: Principal, service_id: int, data: ServiceUpdate
) -> SupportService:
    service = await get_service(session, service_id)
    before = _snapshot(service)
    changes = data.model_dump(exclude_unset=True, exclude={"providers"})
    for name, value in changes.items():
        if value is not None:
            setattr(service, name, value)
    if data.providers is not None:
        service.providers = [SupportProvider(**p.model_dump()) for p in data.providers]
    await session.flush()
    await audit.record(session, actor_id=actor.user_id, actor_name=actor.username,
                       action="support.service.update", target_type="support_service",
                       target_id=service.id, before=before, after=_snapshot(service))
    return service


async def upsert_demo_service(session: AsyncSession, key: str, data: ServiceIn) -> SupportService:
    """City-pack loading: create by key, or bring an existing one up to date."""
    found = await session.scalar(
        select(SupportService).where(SupportService.key == key)
        .options(selectinload(SupportService.providers))
    )
    if found is None:
        found = SupportService(key=key)
        session.add(found)
    for name in ("category", "name", "name_en", "description", "description_en", "sla_days"):
        setattr(found, name, getattr(data, name))
    found.is_active = True
    found.providers = [SupportProvider(**p.model_dump()) for p in data.providers]
    await session.flush()
    return found
