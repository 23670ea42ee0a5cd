"""Digital collectible figures through the HTTP API on SQLite: approving (minting) a collection
of --editions editions, gifts per second, and provenance reads (with inclusion proofs checked by
the server). Prints one JSON object.

    .venv/bin/python bench/tokens.py [--editions 10000] [--gifts 200] [--reads 500]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import platform
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from PIL import Image
from sqlalchemy import update

from cityverse.app import create_app
from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings
from cityverse.core.db import utcnow
from cityverse.core.migrate import upgrade
from cityverse.core.ratelimit import RateLimiter
from cityverse.modules.assets.tokens.models import AssetToken

PASSWORD = "Kunshan-bench-2025"


def ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000, 2)}


async def people(app: object) -> dict[str, httpx.AsyncClient]:
    clients = {}
    for name, role in (("creator", Role.CREATOR), ("officer", Role.OFFICER),
                       ("holder", Role.VISITOR)):
        async with app.state.sessionmaker() as session, session.begin():  # type: ignore[attr-defined]
            user = await accounts.create_user(session, username=name, password=PASSWORD,
                                              display_name=name, roles=[role])
            await accounts.set_realname_state(session, user.id, "approved", name)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
                                   base_url="http://bench")
        await client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
        clients[name] = client
    return clients


async def run(settings: Settings, editions: int, gifts: int, reads: int) -> dict[str, object]:
    app = create_app(settings)
    figures: dict[str, object] = {"bench": "tokens", "python": platform.python_version(),
                                  "database": "sqlite", "editions": editions}
    async with app.router.lifespan_context(app):
        for limiter in RateLimiter.instances:
            limiter.limit = 10**9  # measure the work, not the abuse damping
        c = await people(app)
        picture = io.BytesIO()
        Image.new("RGB", (64, 64), (20, 90, 160)).save(picture, format="PNG")
        work = (await c["creator"].post("/api/works", data={"title": "bench", "description": ""},
                files={"file": ("w.png", picture.getvalue(), "image/png")})).json()["work"]["id"]
        proposed = (await c["creator"].post("/api/assets/collections", data={
            "title": "bench", "description": "bench", "edition_count": str(editions),
            "work_id": work}, files={"documents": ("a.pdf", b"%PDF-1.7\n", "application/pdf")}
        )).json()
        began = time.perf_counter()
        approved = await c["officer"].post(f"/api/assets/collections/{proposed['id']}/review",
                                           json={"approve": True})
        assert approved.status_code == 200, approved.text
        seconds = time.perf_counter() - began
        figures["approve_and_mint_s"] = round(seconds, 2)
        figures["mints_per_s"] = round(editions / seconds)

        async with app.state.sessionmaker() as session, session.begin():
            await session.execute(update(AssetToken).values(
                acquired_at=utcnow() - timedelta(days=365)))
        url = f"/api/assets/collections/{proposed['id']}/tokens/{{}}"
        latencies = []
        began = time.perf_counter()
        for serial in range(1, min(gifts, editions) + 1):
            one = time.perf_counter()
            gift = await c["creator"].post(url.format(serial) + "/gift",
                                           json={"to_username": "holder"})
            assert gift.status_code == 200, gift.text
            latencies.append(time.perf_counter() - one)
        figures["gifts_per_s_sequential"] = round(len(latencies) / (time.perf_counter() - began))
        figures["gift"] = ms(latencies)

        await app.state.ledger_appender.checkpoint()
        latencies = []
        for _ in range(reads):
            serial = random.randint(1, editions)
            one = time.perf_counter()
            history = (await c["holder"].get(url.format(serial) + "/provenance")).json()
            latencies.append(time.perf_counter() - one)
            assert all(e["proof"]["status"] == "verified" for e in history["events"])
        figures["provenance_read"] = ms(latencies)
        for client in c.values():
            await client.aclose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--editions", type=int, default=10_000)
    parser.add_argument("--gifts", type=int, default=200)
    parser.add_argument("--reads", type=int, default=500)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cityverse-tokens-bench-"))
    settings = Settings(_env_file=None, env="test", data_dir=folder,  # type: ignore[call-arg]
                        log_level="WARNING", database_url=f"sqlite+aiosqlite:///{folder}/b.db")
    upgrade(settings)
    print(json.dumps(asyncio.run(run(settings, args.editions, args.gifts, args.reads))))


if __name__ == "__main__":
    main()
