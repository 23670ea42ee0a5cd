"""City twin (NGSI-LD) figures, through the HTTP API in process (ASGI, no sockets): attribute
updates per second via batch upsert with history kept, entity query and geo-query latency at
N entities, and notification latency to a real HTTP receiver. Prints one JSON object.

    .venv/bin/python bench/twin.py [--entities 100000] [--batch 500] [--seconds 10]
                                   [--samples 200] [--database-url URL]

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
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from cityverse.app import create_app
from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings
from cityverse.core.migrate import upgrade

BASE = "/ngsi-ld/v1"
PASSWORD = "Bench-Twin-2026"
# Around Kunshan's centre; ~0.3° square holds the whole city.
LON0, LAT0, SPAN = 120.85, 31.25, 0.3


def ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 2)}


def sensor(number: int, rng: random.Random) -> dict[str, Any]:
    return {
        "id": f"urn:ngsi-ld:AirQualityObserved:bench-{number:07d}",
        "type": "AirQualityObserved",
        "pm25": {"type": "Property", "value": round(rng.uniform(5, 150), 1),
                 "observedAt": "2026-11-23T08:00:00Z"},
        "temperature": {"type": "Property", "value": round(rng.uniform(-2, 30), 1)},
        "location": {"type": "GeoProperty", "value": {
            "type": "Point",
            "coordinates": [round(LON0 + rng.random() * SPAN, 6),
                            round(LAT0 + rng.random() * SPAN, 6)]}},
    }


async def signed_in(app: Any) -> httpx.AsyncClient:
    async with app.state.sessionmaker() as session, session.begin():
        await accounts.create_user(session, username="bench-ops", password=PASSWORD,
                                   display_name="bench", roles=[Role.OFFICER])
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                               base_url="http://bench", timeout=120)
    response = await client.post("/api/auth/login",
                                 json={"username": "bench-ops", "password": PASSWORD})
    response.raise_for_status()
    return client


async def load(client: httpx.AsyncClient, entities: int, batch: int) -> float:
    rng = random.Random(7)
    began = time.perf_counter()
    for start in range(0, entities, batch):
        chunk = [sensor(n, rng) for n in range(start, min(start + batch, entities))]
        response = await client.post(f"{BASE}/entityOperations/create", json=chunk)
        assert response.status_code == 201, response.text[:300]
    return entities / (time.perf_counter() - began)


async def updates(client: httpx.AsyncClient, entities: int, batch: int, seconds: float) -> dict:
    """Batch upserts (options=update) changing two attributes of random sensors."""
    rng = random.Random(11)
    attributes = 0
    began = time.perf_counter()
    cpu_began = time.process_time()  # this process's CPU: comparable on a busy machine
    minute = 0
    while time.perf_counter() - began < seconds:
        minute += 1
        at = f"2026-11-23T{9 + minute // 60 % 14:02d}:{minute % 60:02d}:00Z"
        chunk = [{
            "id": f"urn:ngsi-ld:AirQualityObserved:bench-{rng.randrange(entities):07d}",
            "type": "AirQualityObserved",
            "pm25": {"type": "Property", "value": round(rng.uniform(5, 150), 1),
                     "observedAt": at},
            "temperature": {"type": "Property", "value": round(rng.uniform(-2, 30), 1),
                            "observedAt": at},
        } for _ in range(batch)]
        unique = list({e["id"]: e for e in chunk}.values())
        response = await client.post(f"{BASE}/entityOperations/upsert",
                                     params={"options": "update"}, json=unique)
        assert response.status_code in (201, 204), response.text[:300]
        attributes += 2 * len(unique)
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - cpu_began
    return {"attribute_updates_per_s": round(attributes / elapsed),
            "attribute_updates_per_cpu_s": round(attributes / cpu) if cpu else None,
            "batch_size": batch, "seconds": round(elapsed, 1)}


async def timed(call: Any) -> tuple[Any, float, float]:
    """The call's answer, its wall time and this process's CPU time (the latter is what the
    request would take on an idle machine: the bench runs one request at a time)."""
    wall, cpu = time.perf_counter(), time.process_time()
    answer = await call
    return answer, time.perf_counter() - wall, time.process_time() - cpu


async def queries(client: httpx.AsyncClient, samples: int) -> dict:
    rng = random.Random(5)
    by_q: list[tuple[float, float]] = []
    by_geo: list[tuple[float, float]] = []
    for _ in range(samples):
        low = round(rng.uniform(5, 140), 1)
        response, wall, cpu = await timed(client.get(f"{BASE}/entities", params={
            "type": "AirQualityObserved", "q": f"pm25>{low}", "limit": "20"}))
        by_q.append((wall, cpu))
        assert response.status_code == 200
        lon, lat = LON0 + rng.random() * SPAN, LAT0 + rng.random() * SPAN
        response, wall, cpu = await timed(client.get(f"{BASE}/entities", params={
            "type": "AirQualityObserved", "georel": "near;maxDistance==500",
            "geometry": "Point", "coordinates": f"[{lon:.6f},{lat:.6f}]", "limit": "100"}))
        by_geo.append((wall, cpu))
        assert response.status_code == 200
    return {"query_q_first_page": wall_and_cpu(by_q), "geo_query_near_500m": wall_and_cpu(by_geo)}


def wall_and_cpu(samples: list[tuple[float, float]]) -> dict[str, float]:
    cpu = ms([c for _, c in samples])
    return {**ms([w for w, _ in samples]), "cpu_p50_ms": cpu["p50_ms"], "cpu_p95_ms": cpu["p95_ms"]}


class Receiver:
    def __init__(self) -> None:
        self.arrivals: dict[int, float] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                value = body["data"][0]["pm25"]["value"]
                receiver.arrivals[int(value)] = time.perf_counter()
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/n"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


async def notifications(client: httpx.AsyncClient, samples: int) -> dict:
    receiver = Receiver()
    target = "urn:ngsi-ld:AirQualityObserved:bench-0000001"
    response = await client.post(f"{BASE}/subscriptions", json={
        "type": "Subscription", "entities": [{"type": "AirQualityObserved", "id": target}],
        "watchedAttributes": ["pm25"], "notification": {"endpoint": {"uri": receiver.url}}})
    assert response.status_code == 201, response.text
    sent: dict[int, float] = {}
    for value in range(1000, 1000 + samples):
        sent[value] = time.perf_counter()
        response = await client.patch(f"{BASE}/entities/{target}/attrs",
                                      json={"pm25": {"type": "Property", "value": value}})
        assert response.status_code == 204
        await asyncio.sleep(0.01)
    await asyncio.sleep(1.0)
    receiver.server.shutdown()
    latencies = [receiver.arrivals[v] - sent[v] for v in sent if v in receiver.arrivals]
    return {"notification_latency": ms(latencies), "delivered": len(latencies), "sent": samples}


async def run(args: argparse.Namespace, settings: Settings) -> dict:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        client = await signed_in(app)
        loaded = await load(client, args.entities, args.batch)
        figures: dict[str, Any] = {"entities": args.entities,
                                   "bulk_create_entities_per_s": round(loaded)}
        figures["batch_upsert_with_history"] = await updates(
            client, args.entities, args.batch, args.seconds)
        figures.update(await queries(client, args.samples))
        figures.update(await notifications(client, min(args.samples, 200)))
        await client.aclose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            env="test", log_level="WARNING", data_dir=Path(folder),
            database_url=args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 't.db'}",
            _env_file=None,  # type: ignore[call-arg]
        )
        upgrade(settings)  # runs its own event loop
        figures = asyncio.run(run(args, settings))
    figures.update(machine=platform.machine(), cpus=os.cpu_count(),
                   database="sqlite" if not args.database_url else "external")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
