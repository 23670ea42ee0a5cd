"""City-view replay time at N history rows: sensors with readings spread over the last 24 h
(and, by default, as many again from before, which the replay must skip), then
GET /api/twin/view/replay as the page asks for it. Prints one JSON object.

    .venv/bin/python bench/twin_replay.py [--rows 1000000] [--older N] [--older-days 1]
                                          [--sensors 500] [--samples 5] [--database-url URL]

SQLite in a temporary folder unless --database-url names an empty, migratable database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from cityverse.app import create_app
from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings
from cityverse.core.migrate import upgrade
from cityverse.modules.twin.history import new_instance_id
from cityverse.modules.twin.models import TwinAttributeInstance, core_table

BASE = "/ngsi-ld/v1"
PASSWORD = "Kunshan-Sensors-2026"
CHUNK = 20_000
ATTRS = ("pm25", "temperature")


def sensor(number: int) -> dict[str, Any]:
    return {
        "id": f"urn:ngsi-ld:AirQualityObserved:replay-{number:05d}",
        "type": "AirQualityObserved",
        "pm25": {"type": "Property", "value": 10.0},
        "temperature": {"type": "Property", "value": 20.0},
        "location": {"type": "GeoProperty", "value": {
            "type": "Point", "coordinates": [120.9 + number * 1e-4, 31.3]}},
    }


def history_rows(
    args: argparse.Namespace, start: int, stop: int, iris: dict[str, str], now: datetime,
    rng: random.Random,
) -> list[dict[str, Any]]:
    """Readings number `start` to `stop`: the first `--rows` inside the last 24 h, the rest
    spread over the `--older-days` before."""
    out: list[dict[str, Any]] = []
    for n in range(start, stop):
        back = rng.uniform(1, 86_399)
        if n >= args.rows:
            back += 86_400 * rng.uniform(1, args.older_days)
        moment = now - timedelta(seconds=back)
        instance = {"type": "Property", "value": round(rng.uniform(0, 100), 1),
                    "observedAt": moment.isoformat().replace("+00:00", "Z")}
        out.append({"tenant": "", "entity_id": sensor(n // len(ATTRS) % args.sensors)["id"],
                    "attr_iri": iris[ATTRS[n % len(ATTRS)]], "dataset_id": "",
                    "instance_id": new_instance_id(), "observed_at": moment,
                    "modified_at": moment, "instance": instance})
    return out


async def run(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    app = create_app(settings)
    rng = random.Random(7)
    async with app.router.lifespan_context(app):
        sessions = app.state.sessionmaker
        async with sessions() as db, db.begin():
            await accounts.create_user(db, username="bench-replay", password=PASSWORD,
                                       display_name="bench", roles=[Role.OFFICER])
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench",
                                     timeout=300) as client:
            signed = await client.post("/api/auth/login",
                                       json={"username": "bench-replay", "password": PASSWORD})
            signed.raise_for_status()
            for start in range(0, args.sensors, 500):
                batch = [sensor(n) for n in range(start, min(start + 500, args.sensors))]
                answer = await client.post(f"{BASE}/entityOperations/upsert", json=batch)
                answer.raise_for_status()
            terms = app.state.ngsild_terms.for_context(None)
            iris = dict(zip(ATTRS, await terms.expand(list(ATTRS)), strict=True))
            now = datetime.now(UTC)
            began = time.perf_counter()
            for start in range(0, args.rows + args.older, CHUNK):
                stop = min(start + CHUNK, args.rows + args.older)
                async with sessions() as db, db.begin():
                    await db.execute(core_table(TwinAttributeInstance).insert(),
                                     history_rows(args, start, stop, iris, now, rng))
            load_s = time.perf_counter() - began
            samples = []
            for _ in range(args.samples):
                began = time.perf_counter()
                answer = await client.get("/api/twin/view/replay",
                                          params={"hours": 24, "buckets": 288})
                answer.raise_for_status()
                samples.append(time.perf_counter() - began)
            series = len(answer.json()["series"])
    return {"rows_in_window": args.rows, "rows_older": args.older,
            "older_days": args.older_days, "sensors": args.sensors,
            "series": series, "buckets": 288, "load_s": round(load_s, 1),
            "replay_p50_ms": round(statistics.median(samples) * 1000, 1),
            "replay_max_ms": round(max(samples) * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--older", type=int, default=None,
                        help="history rows before the window (default: as many as --rows)")
    parser.add_argument("--older-days", type=float, default=1.0)
    parser.add_argument("--sensors", type=int, default=500)
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    args.older = args.rows if args.older is None else args.older
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            env="test", log_level="WARNING", data_dir=Path(folder),
            database_url=args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'r.db'}",
            _env_file=None,
        )
        upgrade(settings)  # runs its own event loop
        result = asyncio.run(run(args, settings))
    print(json.dumps({"bench": "twin_replay", "cpus": os.cpu_count(),
                      "machine": platform.machine(),
                      "database": "sqlite" if not args.database_url else "external", **result}))


if __name__ == "__main__":
    main()
