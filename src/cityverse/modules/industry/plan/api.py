"""Plan targets, industrial spaces and scenario projects API (part of /api/industry).

`GET /api/industry/targets` is public: the plan and its aggregate progress are published
figures, and the dashboard reads them. Writes are for officers (targets, spaces) or for the
owner enterprise's members and officers (scenario projects).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Response

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import PUBLIC, REVIEWERS, Principal, Role, roles_policy
from cityverse.core.http import Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.modules.industry.chain import ApplicationField
from cityverse.modules.industry.plan import scenarios, service
from cityverse.modules.industry.plan.metrics import METRICS
from cityverse.modules.industry.plan.models import ScenarioProject
from cityverse.modules.industry.plan.schemas import (
    IndustrialSpaceIn,
    IndustrialSpaceOut,
    MetricOut,
    MilestoneOut,
    ScenarioIn,
    ScenarioOut,
    ScenarioPatch,
    ScenarioStatus,
    SpacePatch,
    TargetIn,
    TargetOut,
    TargetPatch,
    TargetProgressOut,
    TrendPoint,
)

router = make_router("/api/industry", "industry")

Anyone = Annotated[None, requires(PUBLIC)]
Officer = Annotated[Principal, requires(REVIEWERS)]
ProjectEditor = Annotated[Principal, requires(
    roles_policy(Role.ENTERPRISE, Role.OFFICER, Role.ADMIN))]
Paging = Annotated[PageParams, Depends(page_params)]


def _progress_out(progress: service.Progress) -> TargetProgressOut:
    return TargetProgressOut(
        **TargetOut.model_validate(progress.target).model_dump(), as_of=progress.as_of,
        current_value=progress.current_value, gap=progress.gap, percent=progress.percent,
        met=progress.met,
        trend=[TrendPoint(quarter=q, end=end, value=v) for q, end, v in progress.trend],
    )


@router.get("/targets/metrics", response_model=list[MetricOut])
async def list_metrics(_: Anyone) -> list[MetricOut]:
    """The computable metrics a target may measure, with their units."""
    return [MetricOut(key=key, zh=m.zh, en=m.en, unit=m.unit,
                      description_zh=m.description_zh, description_en=m.description_en)
            for key, m in METRICS.items()]


@router.get("/targets", response_model=PageOut[TargetProgressOut])
async def list_targets(
    db: Db, _: Anyone,
    as_of: date | None = Query(None, description="Day to compute values for; default today."),
    plan_name: str | None = Query(None, max_length=128),
) -> PageOut[TargetProgressOut]:
    """Every plan target with its current value, gap, percent and quarterly trend, by
    deadline. Stable for dashboards; all targets fit one page."""
    items = [_progress_out(p) for p in await service.target_progress(
        db, as_of, plan_name=plan_name)]
    return PageOut[TargetProgressOut](items=items, total=len(items), page=1,
                                      size=max(len(items), 1))


@router.get("/targets/{target_id}", response_model=TargetProgressOut)
async def get_target(
    target_id: int, db: Db, _: Anyone, as_of: date | None = Query(None)
) -> TargetProgressOut:
    """One target with its progress."""
    target = await service.get_target(db, target_id)
    return _progress_out(await service.progress_of(db, target, as_of or service.today()))


@router.post("/targets", response_model=TargetProgressOut, status_code=201)
async def create_target(body: TargetIn, db: Db, officer: Officer) -> TargetProgressOut:
    """Add a target for a later plan (officers)."""
    target = await service.create_target(db, officer, body)
    return _progress_out(await service.progress_of(db, target, service.today()))


@router.patch("/targets/{target_id}", response_model=TargetProgressOut)
async def update_target(
    target_id: int, body: TargetPatch, db: Db, officer: Officer
) -> TargetProgressOut:
    """Change a target's names, value or dates (officers); the metric stays."""
    target = await service.update_target(db, officer, target_id, body)
    return _progress_out(await service.progress_of(db, target, service.today()))


@router.get("/spaces", response_model=PageOut[IndustrialSpaceOut])
async def list_spaces(
    db: Db, _: Anyone, paging: Paging, town: str | None = Query(None, max_length=64)
) -> PageOut[IndustrialSpaceOut]:
    """Industrial space put in service for the industry."""
    page = await service.list_spaces(db, paging, town=town)
    return page.to_out(IndustrialSpaceOut.model_validate)


@router.post("/spaces", response_model=IndustrialSpaceOut, status_code=201)
async def create_space(body: IndustrialSpaceIn, db: Db, officer: Officer) -> IndustrialSpaceOut:
    """Record industrial space (officers)."""
    return IndustrialSpaceOut.model_validate(await service.create_space(db, officer, body))


@router.patch("/spaces/{space_id}", response_model=IndustrialSpaceOut)
async def update_space(
    space_id: int, body: SpacePatch, db: Db, officer: Officer
) -> IndustrialSpaceOut:
    """Correct an industrial space record (officers)."""
    space = await service.update_space(db, officer, space_id, body)
    return IndustrialSpaceOut.model_validate(space)


@router.delete("/spaces/{space_id}", status_code=204)
async def delete_space(space_id: int, db: Db, officer: Officer) -> Response:
    """Remove a space recorded by mistake (officers)."""
    await service.delete_space(db, officer, space_id)
    return Response(status_code=204)


async def _scenarios_out(db: Db, projects: list[ScenarioProject]) -> list[ScenarioOut]:
    milestones = await scenarios.milestones_of(db, [p.id for p in projects])
    names = await scenarios.owner_names(db, projects)
    return [ScenarioOut.model_validate(p).model_copy(update={
        "owner_name": names.get(p.owner_enterprise_id, ""),
        "milestones": [MilestoneOut.model_validate(m) for m in milestones.get(p.id, [])],
    }) for p in projects]


@router.get("/scenarios", response_model=PageOut[ScenarioOut])
async def list_scenarios(
    db: Db, _: Anyone, paging: Paging,
    field: ApplicationField | None = Query(None, description="Application field."),
    status: ScenarioStatus | None = Query(None),
    enterprise_id: int | None = Query(None, description="Owner enterprise."),
) -> PageOut[ScenarioOut]:
    """Typical application scenario projects, with their milestones."""
    page = await scenarios.list_scenarios(db, paging, field=field, status=status,
                                          enterprise_id=enterprise_id)
    return PageOut[ScenarioOut](items=await _scenarios_out(db, page.items), total=page.total,
                                page=page.page, size=page.size)


@router.get("/scenarios/{project_id}", response_model=ScenarioOut)
async def get_scenario(project_id: int, db: Db, _: Anyone) -> ScenarioOut:
    """One scenario project."""
    return (await _scenarios_out(db, [await scenarios.get_scenario(db, project_id)]))[0]


@router.post("/scenarios", response_model=ScenarioOut, status_code=201)
async def create_scenario(body: ScenarioIn, db: Db, caller: ProjectEditor) -> ScenarioOut:
    """Register a project: a member's belongs to their enterprise; officers name the owner."""
    project = await scenarios.create_scenario(db, caller, body)
    return (await _scenarios_out(db, [project]))[0]


@router.patch("/scenarios/{project_id}", response_model=ScenarioOut)
async def update_scenario(
    project_id: int, body: ScenarioPatch, db: Db, caller: ProjectEditor
) -> ScenarioOut:
    """Change a project (its owner enterprise's members, or officers); 403 otherwise."""
    project = await scenarios.update_scenario(db, caller, project_id, body)
    return (await _scenarios_out(db, [project]))[0]
