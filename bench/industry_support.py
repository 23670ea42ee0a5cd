"""Innovation-center figures: the dashboard's stats over many requests and the officer queue's
first page (filtered, with names), on SQLite in a temporary folder. Prints one JSON object.

    .venv/bin/python bench/industry_support.py [--requests 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from cityverse.core.auth.policy import Principal, scopes_for
from cityverse.core.config import Settings
from cityverse.core.db import create_engine, create_sessionmaker, utcnow
from cityverse.core.migrate import upgrade
from cityverse.core.pagination import PageParams
from cityverse.modules.industry import service as industry
from cityverse.modules.industry.support import service as support
from cityverse.modules.industry.support.models import ServiceRequest, SupportService

OFFICER = Principal(1, "bench", frozenset({"officer"}), scopes_for(frozenset({"officer"})),
                    "session", 0, "none")
STATES = ("submitted", "accepted", "in_progress", "resolved", "resolved", "resolved", "rejected")


async def median_ms(run: Callable[[], Awaitable[Any]], times: int = 7) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        await run()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


async def main(count: int) -> dict[str, Any]:
    data = Path(tempfile.mkdtemp(prefix="cv-bench-support-"))
    settings = Settings(env="test", data_dir=data, _env_file=None)  # type: ignore[call-arg]
    await asyncio.to_thread(upgrade, settings)
    engine = create_engine(settings)
    sessions = create_sessionmaker(engine)
    rng = random.Random(7)
    now = utcnow()
    async with sessions() as session, session.begin():
        enterprise = await industry.upsert_enterprise(session, {
            "key": "bench", "name": "示例·基准企业", "uscc": "91320583DEMKN00012",
            "segment": "software", "sub_segment": "engine", "is_demo": True})
        offered = SupportService(category="finance", name="科技贷款", sla_days=10)
        session.add(offered)
        await session.flush()
        rows = []
        for _ in range(count):
            submitted = now - timedelta(days=rng.uniform(0, 365))
            status = rng.choice(STATES)
            resolved = submitted + timedelta(days=rng.uniform(1, 20)) if status == "resolved" \
                else None
            rows.append(ServiceRequest(
                service_id=offered.id, enterprise_id=enterprise.id, title="基准申请",
                status=status, submitted_at=submitted, due_at=submitted + timedelta(days=10),
                resolved_at=resolved, rating=rng.randint(1, 5) if resolved else None,
                updated_at=submitted))
        session.add_all(rows)
    async with sessions() as session:
        stats_ms = await median_ms(lambda: support.stats(session))

        async def queue() -> None:
            page = await support.list_requests(session, OFFICER, PageParams(size=20,
                                               sort="due_at"), overdue=True)
            await support.describe(session, page.items)

        queue_ms = await median_ms(queue)
    await engine.dispose()
    return {"requests": count, "stats_ms": stats_ms, "overdue_queue_page_ms": queue_ms}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20_000)
    print(json.dumps(asyncio.run(main(parser.parse_args().requests))))
