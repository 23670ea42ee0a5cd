"""Background work of the dashboard: the shared aggregate cache and the monthly report job."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cityverse.core.config import Settings
from cityverse.core.db import utcnow
from cityverse.modules.industry.dashboard import reports
from cityverse.modules.industry.dashboard.service import DashboardCache

log = logging.getLogger("cityverse.industry.reports")

DASHBOARD_CACHE_SECONDS = 5.0
# The job looks soon after start-up (a server restarted on the 1st catches up), then hourly.
FIRST_CHECK_SECONDS = 60.0
CHECK_EVERY_SECONDS = 3600.0


async def check_monthly_report(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    # The job owns its transaction, as a request owns its own.
    async with app.state.sessionmaker() as session, session.begin():
        made = await reports.ensure_previous_month(session, settings, utcnow().date())
    if made is not None:
        log.info("monthly industry report made", extra={"month": made.month})


async def _monthly_reports(app: FastAPI) -> None:
    await asyncio.sleep(FIRST_CHECK_SECONDS)
    while True:
        try:
            await check_monthly_report(app)
        except Exception:  # a failed run must not end the schedule; the next hour retries
            log.exception("monthly industry report failed")
        await asyncio.sleep(CHECK_EVERY_SECONDS)


@asynccontextmanager
async def run(app: FastAPI) -> AsyncIterator[None]:
    app.state.industry_dashboard_cache = DashboardCache(DASHBOARD_CACHE_SECONDS)
    job = asyncio.create_task(_monthly_reports(app), name="industry-monthly-report")
    try:
        yield
    finally:
        job.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await job
