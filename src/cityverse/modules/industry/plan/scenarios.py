"""Typical application scenario projects (典型应用场景) and their milestones.

Enterprise members manage their own enterprise's projects; officers manage every project.
Completed projects count toward the scenario target from their completion date.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.policy import Principal
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.industry.models import Enterprise
from cityverse.modules.industry.plan.models import ScenarioMilestone, ScenarioProject
from cityverse.modules.industry.plan.schemas import MilestoneIn, ScenarioIn, ScenarioPatch
from cityverse.modules.industry.plan.service import today
from cityverse.modules.industry.registry.service import is_officer, member_enterprise_ids


async def list_scenarios(
    session: AsyncSession, params: PageParams, *, field: str | None, status: str | None,
    enterprise_id: int | None,
) -> Page[ScenarioProject]:
    query = select(ScenarioProject)
    if field:
        query = query.where(ScenarioProject.field == field)
    if status:
        query = query.where(ScenarioProject.status == status)
    if enterprise_id is not None:
        query = query.where(ScenarioProject.owner_enterprise_id == enterprise_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(params.apply(
        query, ScenarioProject, default="id",
        allowed={"id", "name", "started_on", "completed_on", "updated_at"}))
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def milestones_of(
    session: AsyncSession, project_ids: list[int]
) -> dict[int, list[ScenarioMilestone]]:
    """Milestones of a page of projects, in one query."""
    result: dict[int, list[ScenarioMilestone]] = {i: [] for i in project_ids}
    if project_ids:
        rows = await session.scalars(
            select(ScenarioMilestone).where(ScenarioMilestone.project_id.in_(project_ids))
            .order_by(ScenarioMilestone.project_id, ScenarioMilestone.position))
        for row in rows:
            result[row.project_id].append(row)
    return result


async def owner_names(session: AsyncSession, projects: list[ScenarioProject]) -> dict[int, str]:
    ids = {p.owner_enterprise_id for p in projects}
    if not ids:
        return {}
    rows = await session.execute(select(Enterprise.id, Enterprise.name).where(
        Enterprise.id.in_(ids)))
    return {row.id: row.name for row in rows}


async def get_scenario(session: AsyncSession, project_id: int) -> ScenarioProject:
    found = await session.get(ScenarioProject, project_id)
    if found is None:
        raise AppError(404, "not_found")
    return found


def _snapshot(project: ScenarioProject) -> dict[str, Any]:
    return {"name": project.name, "field": project.field, "status": project.status,
            "owner_enterprise_id": project.owner_enterprise_id,
            "completed_on": project.completed_on.isoformat() if project.completed_on else None}


async def _replace_milestones(
    session: AsyncSession, project_id: int, milestones: list[MilestoneIn]
) -> None:
    await session.execute(delete(ScenarioMilestone).where(
        ScenarioMilestone.project_id == project_id))
    for position, item in enumerate(milestones):
        session.add(ScenarioMilestone(project_id=project_id, position=position,
                                      **item.model_dump()))
    await session.flush()


def _settle_completion(project: ScenarioProject) -> None:
    """Only completed projects carry a completion date; it defaults to today."""
    if project.status == "completed":
        project.completed_on = project.completed_on or today()
    else:
        project.completed_on = None


async def _resolve_owner(
    session: AsyncSession, caller: Principal, wanted: int | None
) -> int:
    if is_officer(caller):
        if wanted is None:
            raise AppError(422, "industry_owner_required")
        if await session.get(Enterprise, wanted) is None:
            raise AppError(404, "not_found")
        return wanted
    mine = await member_enterprise_ids(session, caller.user_id)
    if not mine:
        raise AppError(403, "industry_not_a_member")
    if wanted is None:
        return mine[0]
    if wanted not in mine:
        raise AppError(403, "industry_not_owner")
    return wanted


async def create_scenario(
    session: AsyncSession, caller: Principal | None, data: ScenarioIn, *,
    owner_id: int | None = None, key: str | None = None,
) -> ScenarioProject:
    """`caller` is None only for the city pack, which names the owner itself."""
    owner = owner_id if caller is None else await _resolve_owner(
        session, caller, data.owner_enterprise_id)
    assert owner is not None
    project = ScenarioProject(owner_enterprise_id=owner, key=key,
                              **data.model_dump(exclude={"milestones", "owner_enterprise_id"}))
    _settle_completion(project)
    session.add(project)
    await session.flush()
    await _replace_milestones(session, project.id, data.milestones)
    if caller is not None:
        await audit.record(session, actor_id=caller.user_id, actor_name=caller.username,
                           action="industry.scenario.create", target_type="industry_scenario",
                           target_id=project.id, after=_snapshot(project))
    return project


async def update_scenario(
    session: AsyncSession, caller: Principal, project_id: int, data: ScenarioPatch
) -> ScenarioProject:
    project = await get_scenario(session, project_id)
    if not is_officer(caller):
        mine = await member_enterprise_ids(session, caller.user_id)
        if project.owner_enterprise_id not in mine:
            raise AppError(403, "industry_not_owner")
    changes = data.model_dump(exclude_unset=True, exclude={"milestones"})
    if "owner_enterprise_id" in changes:
        changes["owner_enterprise_id"] = await _resolve_owner(
            session, caller, changes["owner_enterprise_id"])
    before = _snapshot(project)
    for name, value in changes.items():
        if value is not None or name in ("started_on", "completed_on"):
            setattr(project, name, value)
    _settle_completion(project)
    await session.flush()
    if data.milestones is not None:
        await _replace_milestones(session, project.id, data.milestones)
    await audit.record(session, actor_id=caller.user_id, actor_name=caller.username,
                       action="industry.scenario.update", target_type="industry_scenario",
                       target_id=project.id, before=before, after=_snapshot(project))
    return project


async def upsert_pack_scenario(
    session: AsyncSession, key: str, owner_id: int, data: ScenarioIn
) -> ScenarioProject:
    found = await session.scalar(select(ScenarioProject).where(ScenarioProject.key == key))
    if found is None:
        return await create_scenario(session, None, data, owner_id=owner_id, key=key)
    for name, value in data.model_dump(exclude={"milestones", "owner_enterprise_id"}).items():
        setattr(found, name, value)
    found.owner_enterprise_id = owner_id
    _settle_completion(found)
    await session.flush()
    await _replace_milestones(session, found.id, data.milestones)
    return found
