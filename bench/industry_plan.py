"""Plan target figures on a migrated SQLite database filled with the Kunshan pack (40
enterprises, 79 declarations, 26 labels, 18 scenarios, 7 spaces): how long the whole targets
answer takes (every target's value, gap and 20-quarter trend), through the service and through
`GET /api/industry/targets`. Prints one JSON object.

    .venv/bin/python bench/industry_plan.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

from cityverse.app import create_app
from cityverse.cities.kunshan import loader
from cityverse.core.config import Settings
from cityverse.core.db import create_engine, create_sessionmaker
from cityverse.core.migrate import upgrade
from cityverse.modules.industry.plan import service as plan


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2)}


def bench_settings(folder: Path) -> Settings:
    return Settings(env="dev", database_url=f"sqlite+aiosqlite:///{folder}/bench.db",
                    data_dir=folder, log_level="WARNING", _env_file=None)  # type: ignore[call-arg]


async def load_pack(settings: Settings) -> None:
    """Before the app starts, so its background writers never wait for the loader's lock."""
    engine = create_engine(settings)
    async with create_sessionmaker(engine)() as session, session.begin():
        await loader.load(session, settings, lambda *_: None)
    await engine.dispose()


async def run(rounds: int, settings: Settings) -> dict[str, object]:
    await load_pack(settings)
    app = create_app(settings)
    figures: dict[str, object] = {"bench": "industry_plan", "python": platform.python_version(),
                                  "rounds": rounds}
    async with app.router.lifespan_context(app):
        service_times: list[float] = []
        for _ in range(rounds):
            async with app.state.sessionmaker() as session:
                began = time.perf_counter()
                progress = await plan.target_progress(session, date(2026, 12, 31))
                service_times.append(time.perf_counter() - began)
        figures["targets"] = len(progress)
        figures["trend_points"] = len(progress[0].trend)
        figures["target_progress"] = _ms(service_times)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            api_times: list[float] = []
            for _ in range(rounds):
                began = time.perf_counter()
                response = await client.get("/api/industry/targets?as_of=2026-12-31")
                api_times.append(time.perf_counter() - began)
                assert response.status_code == 200
        figures["get_targets"] = _ms(api_times)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = bench_settings(Path(folder))
        upgrade(settings)  # runs its own event loop, so before ours
        print(json.dumps(asyncio.run(run(args.rounds, settings))))


if __name__ == "__main__":
    main()
