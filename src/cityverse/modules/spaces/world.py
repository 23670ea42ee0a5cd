"""The world server for this city's spaces: built from the settings, fed the spaces' rules and
the city pack's word list, and started with the app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from cityverse.core.config import Settings
from cityverse.modules.spaces import service
from cityverse.realtime import ws
from cityverse.realtime.bridge import Bridge
from cityverse.realtime.config import SpaceRules, WorldConfig
from cityverse.realtime.redis_bridge import RedisBridge
from cityverse.realtime.server import WorldServer

# The WebSocket route authenticates each visitor itself (cookie, bearer token or guest) and
# applies the space's rules; it has no HTTP policy, so it is kept apart from the API router.
socket_router = APIRouter()
socket_router.routes.append(ws.ROUTE)


def world_config(settings: Settings) -> WorldConfig:
    return WorldConfig(
        tick_hz=settings.world_tick_hz, full_rate_cap=settings.world_full_rate_cap,
        low_rate_cap=settings.world_low_rate_cap, low_rate_every=settings.world_low_rate_every,
        view_range_m=settings.world_view_range_m, resume_seconds=settings.world_resume_seconds,
        banned_words=tuple(service.sensitive_words(settings.city)),
    )


@asynccontextmanager
async def world_lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    sessionmaker = app.state.sessionmaker

    async def rules(key: str) -> SpaceRules | None:
        return await service.world_rules(sessionmaker, settings.city, key)

    bridge = RedisBridge(settings.redis_url) if settings.redis_url else Bridge()
    # Tests and the bench may set app.state.world_config before start-up to tune the server.
    config = getattr(app.state, "world_config", None) or world_config(settings)
    server = WorldServer(config, rules, sessionmaker, bridge)
    app.state.world = server
    await server.start()
    try:
        yield
    finally:
        await server.stop()
