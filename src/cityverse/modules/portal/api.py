"""Portal API: the systems of the platform, live figures, platform metadata."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request

import cityverse
from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import PUBLIC
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.modules import Registry
from cityverse.modules.portal import service
from cityverse.modules.portal.schemas import CityOut, MetaOut, SummaryOut, SystemOut

router = make_router("/api/portal", "portal")
meta_router = make_router("/api", "operations")

Anyone = Annotated[None, requires(PUBLIC)]

CITY_NAMES = {"kunshan": ("昆山", "Kunshan")}


def _registry(request: Request) -> Registry:
    registry: Registry = request.app.state.registry
    return registry


@router.get("/systems", response_model=list[SystemOut])
async def systems(request: Request, db: Db, _: Anyone) -> list[SystemOut]:
    """One card per system of the action plan, with status and live figures."""
    registry = _registry(request)
    return service.systems(await registry.stats(db), registry.live_systems())


@router.get("/summary", response_model=SummaryOut)
async def summary(request: Request, db: Db, _: Anyone) -> SummaryOut:
    """Headline figures of the platform."""
    figures = await _registry(request).stats(db)
    return SummaryOut(
        users=figures.get("users", 0), verified_users=figures.get("verified_users", 0),
        enterprises=figures.get("enterprises", 0), places=figures.get("places", 0),
    )


@meta_router.get("/meta", response_model=MetaOut)
async def meta(settings: AppSettings, _: Anyone) -> MetaOut:
    """Version, city and mode of this installation."""
    zh, en = CITY_NAMES.get(settings.city, (settings.city, settings.city))
    return MetaOut(
        version=cityverse.__version__, city=CityOut(key=settings.city, name_zh=zh, name_en=en),
        dev_mode=settings.dev_mode,
    )
