"""How the verifiable log plugs into the platform: its routers and its appender's lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cityverse.core.modules import ModuleSpec
from cityverse.modules.assets.ledger import api
from cityverse.modules.assets.ledger.appender import Appender, install
from cityverse.modules.assets.ledger.verifier import transaction_verifier


@asynccontextmanager
async def run_appender(app: FastAPI) -> AsyncIterator[None]:
    """One appender per process, from start-up until shutdown has drained the requests."""
    settings = app.state.settings
    # Every entry's signature is checked, a batch at a time, before it can reach the log.
    appender = Appender(settings, transaction_verifier(settings))
    await appender.start()
    app.state.ledger_appender = appender
    install(appender)
    try:
        yield
    finally:
        install(None)
        await appender.stop()


SPEC = ModuleSpec(
    name="ledger", routers=(api.router, api.well_known_router), lifespan=run_appender
)
