"""Enterprise registry rules: the directory, chain positions and membership.

Labels and yearly declarations live in `registry/`, plan targets and scenarios in `plan/`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.id_numbers import IdNumberError, parse_uscc
from cityverse.core.auth.policy import Principal
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.industry.chain import is_valid_position
from cityverse.modules.industry.models import Enterprise, EnterpriseMember
from cityverse.modules.industry.registry.models import EnterpriseLabel
from cityverse.modules.industry.registry.service import active_labels_of


async def list_enterprises(
    session: AsyncSession, params: PageParams, *, segment: str | None, q: str | None,
    sub_segment: str | None = None, label: str | None = None,
) -> Page[Enterprise]:
    query = select(Enterprise)
    if segment:
        query = query.where(Enterprise.segment == segment)
    if sub_segment:
        query = query.where(Enterprise.sub_segment == sub_segment)
    if label:
        query = query.where(Enterprise.id.in_(select(EnterpriseLabel.enterprise_id).where(
            EnterpriseLabel.kind == label, EnterpriseLabel.revoked_on.is_(None))))
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


async def enterprise_by_key(session: AsyncSession, key: str) -> Enterprise | None:
    """The enterprise a city pack names by key (booths of a hall refer to them this way)."""
    found: Enterprise | None = await session.scalar(select(Enterprise).where(Enterprise.key == key))
    return found


async def enterprise_of_user(session: AsyncSession, user_id: int) -> Enterprise | None:
    found: Enterprise | None = await session.scalar(
        select(Enterprise)
        .join(EnterpriseMember, EnterpriseMember.enterprise_id == Enterprise.id)
        .where(EnterpriseMember.user_id == user_id)
        .limit(1)
    )
    return found


async def labels_by_enterprise(
    session: AsyncSession, enterprises: list[Enterprise]
) -> dict[int, list[str]]:
    """Current labels of a page of enterprises, in one query."""
    return await active_labels_of(session, [e.id for e in enterprises])


async def set_chain_position(
    session: AsyncSession, officer: Principal, enterprise_id: int, segment: str,
    sub_segment: str,
) -> Enterprise:
    """Officers place an enterprise on the chain; only positions of the taxonomy are taken."""
    if not is_valid_position(segment, sub_segment):
        raise AppError(422, "industry_bad_position")
    enterprise = await get_enterprise(session, enterprise_id)
    before = {"segment": enterprise.segment, "sub_segment": enterprise.sub_segment}
    enterprise.segment, enterprise.sub_segment = segment, sub_segment
    await session.flush()
    await audit.record(session, actor_id=officer.user_id, actor_name=officer.username,
                       action="industry.enterprise.chain", target_type="industry_enterprise",
                       target_id=enterprise.id, before=before,
                       after={"segment": segment, "sub_segment": sub_segment})
    return enterprise


async def upsert_enterprise(session: AsyncSession, data: dict[str, Any]) -> Enterprise:
    """Create or update by city-pack key; the USCC must pass the GB 32100 check."""
    if not is_valid_position(data["segment"], data["sub_segment"]):
        raise ValueError(f"{data.get('key')}: {data['segment']}/{data['sub_segment']} is not "
                         "a position of the industry chain")
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


async def is_member(session: AsyncSession, enterprise_id: int, user_id: int) -> bool:
    found = await session.scalar(select(EnterpriseMember.id).where(
        EnterpriseMember.enterprise_id == enterprise_id, EnterpriseMember.user_id == user_id))
    return found is not None


async def member_ids(session: AsyncSession, enterprise_id: int) -> list[int]:
    rows = await session.scalars(select(EnterpriseMember.user_id).where(
        EnterpriseMember.enterprise_id == enterprise_id).order_by(EnterpriseMember.user_id))
    return list(rows)


async def update_description(
    session: AsyncSession, actor: Principal, enterprise_id: int, description: str,
    description_en: str,
) -> Enterprise:
    """An enterprise's own members edit its public introduction (the caller checks who)."""
    enterprise = await get_enterprise(session, enterprise_id)
    before = {"description": enterprise.description, "description_en": enterprise.description_en}
    if before == {"description": description, "description_en": description_en}:
        return enterprise
    enterprise.description, enterprise.description_en = description, description_en
    await session.flush()
    await audit.record(session, actor_id=actor.user_id, actor_name=actor.username,
                       action="industry.enterprise.description", target_type="industry_enterprise",
                       target_id=enterprise.id, before=before,
                       after={"description": description, "description_en": description_en})
    return enterprise
