"""What a module contributes to the platform: routers, live figures, demo data loaders and
background work.

`app.py` collects one ModuleSpec per module; core never imports the modules themselves.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

from fastapi import APIRouter, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.config import Settings

StatsFn = Callable[[AsyncSession], Awaitable[dict[str, int]]]
# Entered after the database engine is ready, left before it closes (reverse module order).
LifespanFn = Callable[[FastAPI], AbstractAsyncContextManager[None]]
# Request paths that take bodies above the platform's JSON limit (uploads), with their limits.
BodyLimitsFn = Callable[[Settings], dict[str, int]]


@dataclass(frozen=True)
class ModuleSpec:
    name: str
    routers: tuple[APIRouter, ...] = ()
    stats: StatsFn | None = None
    # Systems of MISSION.md this module makes usable, by key, with the web page that opens them.
    live_systems: dict[str, str] = field(default_factory=dict)
    # Background work the module runs while the app serves (e.g. a queue's writer task).
    lifespan: LifespanFn | None = None
    body_limits: BodyLimitsFn | None = None


@dataclass
class Registry:
    modules: list[ModuleSpec] = field(default_factory=list)
    # The portal home is the most visited page; its figures may be this many seconds old.
    stats_ttl_seconds: float = 2.0
    _stats_cache: tuple[float, dict[str, int]] | None = None

    async def stats(self, session: AsyncSession) -> dict[str, int]:
        now = time.monotonic()
        if self._stats_cache and now - self._stats_cache[0] < self.stats_ttl_seconds:
            return dict(self._stats_cache[1])
        figures: dict[str, int] = {}
        for module in self.modules:
            if module.stats is not None:
                figures.update(await module.stats(session))
        self._stats_cache = (now, figures)
        return dict(figures)

    def live_systems(self) -> dict[str, str]:
        live: dict[str, str] = {}
        for module in self.modules:
            live.update(module.live_systems)
        return live
