"""Plan targets and their progress, and industrial space records.

Targets are data: each names a metric of `metrics.METRICS`; the current value, gap, percent
and quarterly trend are computed from live records whenever asked, never stored.
Other code of the industry module (the dashboard) calls `target_progress` and
`quarterly_trend`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.policy import Principal
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError, FieldError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.industry.plan.metrics import METRICS, Record, metric_records, value_on
from cityverse.modules.industry.plan.models import IndustrialSpace, PlanTarget
from cityverse.modules.industry.plan.schemas import (
    IndustrialSpaceIn,
    SpacePatch,
    TargetIn,
    TargetPatch,
)

MAX_TREND_QUARTERS = 40


@dataclass(frozen=True)
class Progress:
    target: PlanTarget
    as_of: date
    current_value: int
    gap: int
    percent: float
    met: bool
    trend: list[tuple[str, date, int]]


def quarter_ends(start: date, end: date) -> list[tuple[str, date]]:
    """(label, last day) of each quarter from the one holding `start` to the one holding
    `end`; the last is cut at `end` itself. At most MAX_TREND_QUARTERS, the latest kept."""
    points: list[tuple[str, date]] = []
    year, quarter = start.year, (start.month - 1) // 3 + 1
    while (year, quarter) <= (end.year, (end.month - 1) // 3 + 1):
        next_first = date(year + quarter // 4, (quarter % 4) * 3 + 1, 1)
        points.append((f"{year}Q{quarter}", min(next_first - timedelta(days=1), end)))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return points[-MAX_TREND_QUARTERS:]


def today() -> date:
    return utcnow().date()


async def quarterly_trend(
    session: AsyncSession, target: PlanTarget, *, until: date | None = None,
    records: list[Record] | None = None,
) -> list[tuple[str, date, int]]:
    """The target's value at the end of each quarter from its start to `until` (today)."""
    until = until or today()
    if records is None:
        records = await metric_records(session, target.metric, target.deadline.year)
    return [(label, end, value_on(records, end))
            for label, end in quarter_ends(target.starts_on, until)]


async def progress_of(session: AsyncSession, target: PlanTarget, as_of: date) -> Progress:
    records = await metric_records(session, target.metric, target.deadline.year)
    current = value_on(records, as_of)
    percent = round(current * 100 / target.target_value, 1) if target.target_value else 0.0
    return Progress(
        target=target, as_of=as_of, current_value=current,
        gap=max(target.target_value - current, 0), percent=percent,
        met=current >= target.target_value,
        trend=await quarterly_trend(session, target, until=as_of, records=records),
    )


async def target_progress(
    session: AsyncSession, as_of: date | None = None, *, plan_name: str | None = None
) -> list[Progress]:
    """Every target (of one plan, if named) with its value on `as_of` (today)."""
    query = select(PlanTarget).order_by(PlanTarget.deadline, PlanTarget.id)
    if plan_name:
        query = query.where(PlanTarget.plan_name == plan_name)
    day = as_of or today()
    return [await progress_of(session, target, day) for target in await session.scalars(query)]


async def get_target(session: AsyncSession, target_id: int) -> PlanTarget:
    found = await session.get(PlanTarget, target_id)
    if found is None:
        raise AppError(404, "not_found")
    return found


def _check_dates(starts_on: date, deadline: date) -> None:
    if starts_on > deadline:
        raise AppError(422, "validation_error",
                       fields=[FieldError("starts_on", "industry_after_deadline")])


def _target_snapshot(target: PlanTarget) -> dict[str, Any]:
    return {"plan_name": target.plan_name, "name_zh": target.name_zh, "metric": target.metric,
            "target_value": target.target_value, "deadline": target.deadline.isoformat(),
            "starts_on": target.starts_on.isoformat()}


async def create_target(
    session: AsyncSession, officer: Principal | None, data: TargetIn, *, key: str | None = None
) -> PlanTarget:
    """Add a target; `officer` is None only for the city pack's own targets."""
    starts_on = data.starts_on or date(data.deadline.year, 1, 1)
    _check_dates(starts_on, data.deadline)
    target = PlanTarget(**data.model_dump(exclude={"starts_on"}), starts_on=starts_on,
                        unit=METRICS[data.metric].unit, key=key)
    session.add(target)
    await session.flush()
    if officer is not None:
        await audit.record(session, actor_id=officer.user_id, actor_name=officer.username,
                           action="industry.target.create", target_type="industry_target",
                           target_id=target.id, after=_target_snapshot(target))
    return target


async def update_target(
    session: AsyncSession, officer: Principal, target_id: int, data: TargetPatch
) -> PlanTarget:
    target = await get_target(session, target_id)
    before = _target_snapshot(target)
    for name, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(target, name, value)
    _check_dates(target.starts_on, target.deadline)
    await session.flush()
    await audit.record(session, actor_id=officer.user_id, actor_name=officer.username,
                       action="industry.target.update", target_type="industry_target",
                       target_id=target.id, before=before, after=_target_snapshot(target))
    return target


async def upsert_pack_target(session: AsyncSession, key: str, data: TargetIn) -> PlanTarget:
    """The city pack's targets, by key; loading twice changes nothing."""
    found = await session.scalar(select(PlanTarget).where(PlanTarget.key == key))
    if found is None:
        return await create_target(session, None, data, key=key)
    for name, value in data.model_dump(exclude_none=True).items():
        setattr(found, name, value)
    found.unit = METRICS[data.metric].unit
    await session.flush()
    return found


# ---------------------------------------------------------------- industrial spaces

def _space_snapshot(space: IndustrialSpace) -> dict[str, Any]:
    return {"park_name": space.park_name, "town": space.town, "area_m2": space.area_m2,
            "in_service_on": space.in_service_on.isoformat()}


async def list_spaces(
    session: AsyncSession, params: PageParams, *, town: str | None
) -> Page[IndustrialSpace]:
    query = select(IndustrialSpace)
    if town:
        query = query.where(IndustrialSpace.town == town)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(params.apply(
        query, IndustrialSpace, default="in_service_on",
        allowed={"id", "in_service_on", "area_m2", "park_name"}))
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def get_space(session: AsyncSession, space_id: int) -> IndustrialSpace:
    found = await session.get(IndustrialSpace, space_id)
    if found is None:
        raise AppError(404, "not_found")
    return found


async def create_space(
    session: AsyncSession, officer: Principal | None, data: IndustrialSpaceIn,
    *, key: str | None = None,
) -> IndustrialSpace:
    space = IndustrialSpace(**data.model_dump(), key=key)
    session.add(space)
    await session.flush()
    if officer is not None:
        await audit.record(session, actor_id=officer.user_id, actor_name=officer.username,
                           action="industry.space.create", target_type="industry_space",
                           target_id=space.id, after=_space_snapshot(space))
    return space


async def update_space(
    session: AsyncSession, officer: Principal, space_id: int, data: SpacePatch
) -> IndustrialSpace:
    space = await get_space(session, space_id)
    before = _space_snapshot(space)
    for name, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(space, name, value)
    await session.flush()
    await audit.record(session, actor_id=officer.user_id, actor_name=officer.username,
                       action="industry.space.update", target_type="industry_space",
                       target_id=space.id, before=before, after=_space_snapshot(space))
    return space


async def delete_space(session: AsyncSession, officer: Principal, space_id: int) -> None:
    space = await get_space(session, space_id)
    before = _space_snapshot(space)
    await session.delete(space)
    await session.flush()
    await audit.record(session, actor_id=officer.user_id, actor_name=officer.username,
                       action="industry.space.delete", target_type="industry_space",
                       target_id=space_id, before=before)


async def upsert_pack_space(
    session: AsyncSession, key: str, data: IndustrialSpaceIn
) -> IndustrialSpace:
    found = await session.scalar(select(IndustrialSpace).where(IndustrialSpace.key == key))
    if found is None:
        return await create_space(session, None, data, key=key)
    for name, value in data.model_dump().items():
        setattr(found, name, value)
    await session.flush()
    return found
