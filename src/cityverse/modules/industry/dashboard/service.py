"""The dashboard aggregate: every panel's figures from a fixed, small number of queries."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.db import utcnow
from cityverse.modules.industry.dashboard.schemas import (
    DashboardOut,
    SegmentCount,
    ServiceThroughput,
    TargetGauge,
    TargetTrend,
    TaskForceProgress,
    ThroughputPoint,
    TownCount,
    TrendPoint,
)
from cityverse.modules.industry.models import Enterprise
from cityverse.modules.industry.plan import service as plan
from cityverse.modules.industry.support import service as support
from cityverse.modules.industry.taskforces import service as taskforces

SEGMENT_ORDER = ("hardware", "software", "content", "application")


async def enterprise_breakdown(
    session: AsyncSession,
) -> tuple[list[TownCount], list[SegmentCount]]:
    """Enterprises per town and per chain segment, from one grouped query."""
    rows = (await session.execute(
        select(Enterprise.town_key, Enterprise.segment, Enterprise.sub_segment, func.count())
        .group_by(Enterprise.town_key, Enterprise.segment, Enterprise.sub_segment)
    )).all()
    towns: Counter[str] = Counter()
    segments: Counter[tuple[str, str]] = Counter()
    for town_key, segment, sub_segment, count in rows:
        if town_key:
            towns[town_key] += count
        segments[(segment, sub_segment)] += count
    by_town = [TownCount(town_key=key, enterprises=count) for key, count in sorted(towns.items())]
    by_segment = [
        SegmentCount(segment=segment, sub_segment=sub, enterprises=count)
        for (segment, sub), count in sorted(segments.items(), key=_segment_sort_key)
    ]
    return by_town, by_segment


def _segment_sort_key(item: tuple[tuple[str, str], int]) -> tuple[int, int, str]:
    (segment, sub), count = item
    rank = SEGMENT_ORDER.index(segment) if segment in SEGMENT_ORDER else len(SEGMENT_ORDER)
    return rank, -count, sub


# How plan units are shown: (factor to divide by, Chinese unit, English unit).
DISPLAY_UNITS: dict[str, tuple[float, str, str]] = {
    "yuan": (1e8, "亿元", "100M yuan"),
    "m2": (1e4, "万平方米", "10k m²"),
    "projects": (1, "个", "projects"),
    "enterprises": (1, "家", "enterprises"),
}


def _display(unit: str, value: float) -> tuple[float, str, str]:
    factor, zh, en = DISPLAY_UNITS.get(unit, (1, unit, unit))
    return round(value / factor, 2), zh, en


async def plan_targets(
    session: AsyncSession, as_of: date
) -> tuple[list[TargetGauge], list[TargetTrend]]:
    """Plan targets against their live values, and each one's value quarter by quarter."""
    gauges: list[TargetGauge] = []
    trends: list[TargetTrend] = []
    for progress in await plan.target_progress(session, as_of):
        target = progress.target
        goal, unit, unit_en = _display(target.unit, target.target_value)
        current, _, _ = _display(target.unit, progress.current_value)
        names = {"key": str(target.id), "name": target.name_zh, "name_en": target.name_en,
                 "unit": unit, "unit_en": unit_en}
        gauges.append(TargetGauge(
            **names, target=goal, current=current, deadline=target.deadline,
            ratio=round(progress.current_value / target.target_value, 4)
            if target.target_value else 0.0,
        ))
        trends.append(TargetTrend(**names, points=[
            TrendPoint(quarter=label, value=_display(target.unit, value)[0])
            for label, _, value in progress.trend
        ]))
    return gauges, trends


async def service_throughput(session: AsyncSession, now: datetime) -> ServiceThroughput:
    """Service-center requests by state, and filed/resolved per month for a year."""
    figures = await support.stats(session, now=now, months=12)
    return ServiceThroughput(
        total=figures.total, open=figures.open, overdue=figures.overdue,
        resolved=figures.resolved, rejected=figures.rejected,
        avg_resolution_days=figures.avg_resolution_days,
        mean_satisfaction=figures.mean_satisfaction,
        by_month=[ThroughputPoint(period=p.period, submitted=p.submitted, resolved=p.resolved)
                  for p in figures.by_month],
    )


async def task_force_progress(session: AsyncSession, on: date) -> list[TaskForceProgress]:
    """Each task force's tasks: how many, how many done or late, how far along."""
    return [
        TaskForceProgress(id=p.taskforce_id, name=p.name, name_en=p.name_en,
                          tasks_total=p.tasks, tasks_done=p.done, tasks_late=p.late,
                          progress=round(p.mean_progress / 100, 4))
        for p in await taskforces.progress_summary(session, on=on)
    ]


async def build_dashboard(session: AsyncSession, now: datetime | None = None) -> DashboardOut:
    now = now or utcnow()
    by_town, by_segment = await enterprise_breakdown(session)
    targets, trends = await plan_targets(session, now.date())
    return DashboardOut(
        generated_at=now,
        enterprises=sum(item.enterprises for item in by_segment),
        by_town=by_town,
        by_segment=by_segment,
        targets=targets,
        trends=trends,
        service=await service_throughput(session, now),
        task_forces=await task_force_progress(session, now.date()),
    )


class DashboardCache:
    """The big screen polls; many screens share one answer for `ttl_seconds`.

    A lock makes concurrent polls after expiry wait for one rebuild instead of each running
    the queries."""

    def __init__(self, ttl_seconds: float) -> None:
        self.ttl_seconds = ttl_seconds
        self._value: tuple[float, DashboardOut] | None = None
        self._lock = asyncio.Lock()

    def clear(self) -> None:
        self._value = None

    async def get(self, build: Callable[[], Awaitable[DashboardOut]]) -> DashboardOut:
        fresh = self._fresh()
        if fresh is not None:
            return fresh
        async with self._lock:
            fresh = self._fresh()
            if fresh is not None:
                return fresh
            value = await build()
            self._value = (time.monotonic(), value)
            return value

    def _fresh(self) -> DashboardOut | None:
        if self._value and time.monotonic() - self._value[0] < self.ttl_seconds:
            return self._value[1]
        return None
