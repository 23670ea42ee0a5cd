"""Per-request cost of the HTTP stack: the ASGI app called directly, one request at a time (no
client, no sockets, so the figures are the server's alone): a public GET without a database
(/api/health), a signed-in NGSI-LD entity GET, a signed-in paged list (/api/notifications),
and batch upserts of 10 and of 500 entities. Prints one JSON object: requests per second and CPU per
request of this process.

    .venv/bin/python bench/http_stack.py [--requests 2000] [--batches 20] [--batch 500]
                                   [--profile health|entity|notifications|small-upsert|upsert]

--profile prints the cProfile of that scenario (top functions by own and cumulative time)
to stderr. SQLite in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import platform
import pstats
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from cityverse.app import create_app
from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings
from cityverse.core.migrate import upgrade

BASE = "/ngsi-ld/v1"
PASSWORD = "Kunshan-Stack-2026"
ENTITY = "urn:ngsi-ld:AirQualityObserved:http-0000000"


def sensor(number: int, minute: int) -> dict[str, Any]:
    at = f"2026-11-23T{9 + minute // 60 % 14:02d}:{minute % 60:02d}:00Z"
    return {
        "id": f"urn:ngsi-ld:AirQualityObserved:http-{number:07d}",
        "type": "AirQualityObserved",
        "pm25": {"type": "Property", "value": float(number % 150 + minute % 7), "observedAt": at},
        "location": {"type": "GeoProperty", "value": {
            "type": "Point", "coordinates": [120.85 + number % 300 / 1000, 31.25]}},
    }


class Caller:
    """Calls the ASGI app the way a server would, with the signed-in user's cookie."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cookie = b""

    async def __call__(self, method: str, path: str, body: bytes = b"",
                       query: bytes = b"") -> tuple[int, bytes]:
        headers = [(b"host", b"bench"), (b"accept", b"application/json")]
        if self.cookie:
            headers.append((b"cookie", self.cookie))
        if body:
            headers += [(b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode())]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
                 "root_path": "", "query_string": query, "headers": headers,
                 "client": ("127.0.0.1", 50000), "server": ("bench", 80)}
        sent = False
        answer: dict[str, Any] = {"status": 0, "body": b"", "headers": []}

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answer["status"], answer["headers"] = message["status"], message["headers"]
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")

        await self.app(scope, receive, send)
        for name, value in answer["headers"]:
            if name == b"set-cookie" and value.startswith(b"cv_session="):
                self.cookie = value.split(b";", 1)[0]
        return answer["status"], answer["body"]


async def signed_in(app: Any) -> Caller:
    async with app.state.sessionmaker() as session, session.begin():
        await accounts.create_user(session, username="bench-http", password=PASSWORD,
                                   display_name="bench", roles=[Role.OFFICER])
    call = Caller(app)
    status, body = await call("POST", "/api/auth/login", json.dumps(
        {"username": "bench-http", "password": PASSWORD}).encode())
    assert status == 200 and call.cookie, body[:300]
    return call


Send = Callable[[int], Awaitable[tuple[int, bytes]]]


async def measure(send: Send, count: int, profile: bool) -> dict[str, float]:
    """Requests one at a time: wall rate and CPU per request of this process."""
    await send(-1)  # warm: first-call imports and caches are not per-request work
    profiler = cProfile.Profile() if profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    for number in range(count):
        status, body = await send(number)
        assert status < 300, body[:300]
    if profiler is not None:
        profiler.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if profiler is not None:
        stats = pstats.Stats(profiler, stream=sys.stderr).strip_dirs()
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
    return {"requests": count, "requests_per_s": round(count / wall, 1),
            "cpu_ms_per_request": round(cpu / count * 1000, 3)}


async def run(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        call = await signed_in(app)
        status, body = await call("POST", f"{BASE}/entityOperations/upsert", json.dumps(
            [sensor(n, 0) for n in range(args.batch)]).encode())
        assert status in (201, 204), body[:300]

        async def health(_: int) -> tuple[int, bytes]:
            return await call("GET", "/api/health")

        async def entity(_: int) -> tuple[int, bytes]:
            return await call("GET", f"{BASE}/entities/{ENTITY}")

        async def notifications(_: int) -> tuple[int, bytes]:
            return await call("GET", "/api/notifications", query=b"page=1&size=20")

        def upsert(size: int) -> Send:
            async def send(number: int) -> tuple[int, bytes]:
                chunk = [sensor(n, number + 2) for n in range(size)]
                return await call("POST", f"{BASE}/entityOperations/upsert",
                                  json.dumps(chunk).encode(), query=b"options=update")
            return send

        return {
            "health_get": await measure(health, args.requests, args.profile == "health"),
            "ngsi_ld_entity_get": await measure(entity, args.requests, args.profile == "entity"),
            "notifications_page": await measure(notifications, args.requests,
                                                args.profile == "notifications"),
            "batch_upsert_10": await measure(upsert(10), args.requests // 4,
                                             args.profile == "small-upsert"),
            f"batch_upsert_{args.batch}": await measure(upsert(args.batch), args.batches,
                                                       args.profile == "upsert"),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--profile", default=None,
                        choices=("health", "entity", "notifications", "small-upsert", "upsert"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            env="test", log_level="WARNING", data_dir=Path(folder),
            database_url=f"sqlite+aiosqlite:///{Path(folder) / 'h.db'}",
            _env_file=None,  # type: ignore[call-arg]
        )
        upgrade(settings)  # runs its own event loop
        figures: dict[str, Any] = asyncio.run(run(args, settings))
    figures.update(machine=platform.machine(), cpus=os.cpu_count(), database="sqlite")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
