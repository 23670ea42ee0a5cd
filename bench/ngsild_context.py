"""NGSI-LD JSON-LD figures: expansion and compaction rates of a typical entity with the core
context (cached), first-time expansion latency, and remote @context fetch and cache-hit latency
against a context server on loopback. Prints one JSON object.

    .venv/bin/python bench/ngsild_context.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import threading
import time
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cityverse.modules.twin.ngsild import ContextResolver, compact_entity, expand_entity

SDM = "https://smartdatamodels.org/dataModel.Environment/"
USER_CONTEXT = {"@context": {"AirQualityObserved": f"{SDM}AirQualityObserved",
                             "NO2": f"{SDM}NO2", "PM25": f"{SDM}PM25",
                             "refDevice": f"{SDM}refDevice"}}
ENTITY = {
    "id": "urn:ngsi-ld:AirQualityObserved:kunshan-huaqiao-001",
    "type": "AirQualityObserved",
    "name": {"type": "Property", "value": "花桥国际商务城空气站"},
    "NO2": {"type": "Property", "value": 22.5, "unitCode": "GQ",
            "observedAt": "2025-05-01T08:00:00Z"},
    "PM25": {"type": "Property", "value": 31, "unitCode": "GQ",
             "observedAt": "2025-05-01T08:00:00Z"},
    "location": {"type": "GeoProperty",
                 "value": {"type": "Point", "coordinates": [121.06, 31.33]}},
    "refDevice": {"type": "Relationship", "object": "urn:ngsi-ld:Device:kunshan-aq-001"},
}


def start_context_server() -> tuple[ThreadingHTTPServer, str]:
    body = json.dumps(USER_CONTEXT).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host!s}:{port}/aq-context.jsonld"


async def rate(seconds: float, operation: Callable[[], Awaitable[object]]) -> float:
    count, started = 0, time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for _ in range(50):
            await operation()
        count += 50
    return count / (time.perf_counter() - started)


async def first_expansion_ms() -> float:
    resolver = ContextResolver()
    started = time.perf_counter()
    await expand_entity(resolver, ENTITY)
    elapsed = (time.perf_counter() - started) * 1000
    await resolver.aclose()
    return elapsed


async def main(seconds: float) -> dict[str, float]:
    first_in_process_ms = await first_expansion_ms()
    cold_ms = statistics.median([await first_expansion_ms() for _ in range(5)])

    resolver = ContextResolver()
    expanded = await expand_entity(resolver, ENTITY)
    expansions = await rate(seconds, lambda: expand_entity(resolver, ENTITY))
    compactions = await rate(seconds, lambda: compact_entity(resolver, expanded, None))

    server, url = start_context_server()
    try:
        started = time.perf_counter()
        await resolver.prepare(url)
        first_fetch_ms = (time.perf_counter() - started) * 1000  # includes starting httpx
        started = time.perf_counter()
        await resolver.prepare(url + "?again")
        fetch_ms = (time.perf_counter() - started) * 1000
        hits = 2000
        started = time.perf_counter()
        for _ in range(hits):
            await resolver.prepare(url)
        hit_us = (time.perf_counter() - started) / hits * 1e6
        linked = await rate(seconds, lambda: expand_entity(resolver, ENTITY, link_context=url))
    finally:
        server.shutdown()
        server.server_close()

    # More distinct user contexts than PyLD caches per context by default.
    contexts = [[{"NO2": f"https://example.org/model-{index}/NO2"}] for index in range(30)]
    documents = [{"@context": context, **ENTITY} for context in contexts]
    for document in documents:
        await expand_entity(resolver, document, media_type="application/ld+json")
    turn = iter(range(10**12))

    async def rotating() -> object:
        document = documents[next(turn) % len(documents)]
        return await expand_entity(resolver, document, media_type="application/ld+json")

    rotating_rate = await rate(seconds, rotating)
    await resolver.aclose()
    return {
        "expansions_per_s_core_context": round(expansions),
        "compactions_per_s_core_context": round(compactions),
        "expansions_per_s_linked_remote_context": round(linked),
        "expansions_per_s_30_rotating_inline_contexts": round(rotating_rate),
        "first_expansion_in_process_ms": round(first_in_process_ms, 2),
        "cold_expansion_ms": round(cold_ms, 2),
        "remote_context_first_fetch_ms": round(first_fetch_ms, 2),
        "remote_context_fetch_ms": round(fetch_ms, 2),
        "remote_context_cache_hit_us": round(hit_us, 2),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="duration of each rate")
    print(json.dumps(asyncio.run(main(parser.parse_args().seconds))))
