"""Background work of the shop: completing shipped orders the buyer never confirmed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cityverse.modules.commerce import orders

log = logging.getLogger("cityverse.commerce")

SWEEP_INTERVAL_SECONDS = 3600.0  # order completion is counted in days; hourly is plenty


async def sweep_once(factory: async_sessionmaker[AsyncSession], days: int) -> int:
    """One transaction: the job owns it, as a request owns its own."""
    async with factory() as session, session.begin():
        return await orders.complete_overdue(session, days)


async def _sweep_forever(factory: async_sessionmaker[AsyncSession], days: int) -> None:
    while True:
        # Sleep first: a process that starts and stops quickly (tests, CLI) never sweeps.
        await asyncio.sleep(SWEEP_INTERVAL_SECONDS)
        try:
            completed = await sweep_once(factory, days)
            if completed:
                log.info("orders auto-completed", extra={"count": completed})
        except Exception:  # a failed sweep is retried next hour; the server keeps serving
            log.exception("auto-completing orders failed")


@asynccontextmanager
async def run_auto_complete(app: FastAPI) -> AsyncIterator[None]:
    days: int = app.state.settings.commerce_auto_complete_days
    if days == 0:
        yield
        return
    task = asyncio.create_task(_sweep_forever(app.state.sessionmaker, days))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
