"""The dashboard aggregate: every panel's figures from a fixed, small number of queries."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime

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
    TownCount,
)
from cityverse.modules.industry.models import Enterprise

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


async def plan_targets(session: AsyncSession) -> tuple[list[TargetGauge], list[TargetTrend]]:
    """Plan targets and their quarterly trends (filled from the plan registry)."""
    return [], []


async def service_throughput(session: AsyncSession, now: datetime) -> ServiceThroughput:
    """Service-center request figures (filled from the service center)."""
    return ServiceThroughput(total=0, open=0, in_progress=0, resolved=0, closed=0, by_month=[])


async def task_force_progress(session: AsyncSession) -> list[TaskForceProgress]:
    """Progress of each task force (filled from the task forces)."""
    return []


async def build_dashboard(session: AsyncSession, now: datetime | None = None) -> DashboardOut:
    now = now or utcnow()
    by_town, by_segment = await enterprise_breakdown(session)
    targets, trends = await plan_targets(session)
    return DashboardOut(
        generated_at=now,
        enterprises=sum(item.enterprises for item in by_segment),
        by_town=by_town,
        by_segment=by_segment,
        targets=targets,
        trends=trends,
        service=await service_throughput(session, now),
        task_forces=await task_force_progress(session),
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
