"""How the twin module plugs into the platform: the NGSI-LD API and its @context resolver."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cityverse.core.modules import ModuleSpec
from cityverse.modules.twin import (
    api,
    api_batch,
    api_subscriptions,
    api_temporal,
    api_view,
    service,
    view,
)
from cityverse.modules.twin.endpoints import EndpointGuard
from cityverse.modules.twin.feed import LiveFeed
from cityverse.modules.twin.ngsild import ContextResolver
from cityverse.modules.twin.ngsild.terms import TermMaps
from cityverse.modules.twin.notifier import Notifier
from cityverse.modules.twin.telemetry import api as telemetry_api
from cityverse.modules.twin.telemetry.runtime import Telemetry


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One resolver per app: it caches remote @contexts and pins the shipped core context.
    resolver = ContextResolver()
    terms = TermMaps(resolver)
    app.state.ngsild_resolver = resolver
    app.state.ngsild_terms = terms
    settings = app.state.settings
    allow = settings.twin_notify_allow_private
    guard = EndpointGuard(allow_private=settings.dev_mode if allow is None else allow)
    app.state.twin_endpoint_guard = guard
    notifier = Notifier(app.state.sessionmaker, terms, api_subscriptions.compiler(terms),
                        guard=guard)
    await notifier.start()
    app.state.twin_notifier = notifier
    telemetry = Telemetry(app, app.state.settings)
    await telemetry.start()
    app.state.twin_telemetry = telemetry
    live_feed = LiveFeed(view.core_terms(terms))  # the city view's /ws/twin
    live_feed.start()
    notifier.add_listener(live_feed.publish)
    app.state.twin_feed = live_feed
    app.state.twin_layer_cache = view.LayerCache()
    try:
        yield
    finally:
        await telemetry.stop()
        await live_feed.stop()
        await notifier.stop()
        await resolver.aclose()


SPEC = ModuleSpec(
    name="twin",
    routers=(api.router, api_batch.router, api_temporal.router, api_subscriptions.router,
             telemetry_api.router, api_view.router, api_view.socket_router),
    stats=service.stats,
    lifespan=lifespan,
)
