"""Foundation figures: password hashing cost, sign-in rate, authenticated and public request
rates and latencies through a real server on loopback. Prints one JSON object.

    .venv/bin/python bench/foundation.py [--seconds 5] [--concurrency 16]

Uses wrk (Debian package `wrk`) for request rates when installed, else the httpx client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from cityverse.core.auth.passwords import hash_password, verify_password

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def hashing() -> dict[str, float]:
    started = time.perf_counter()
    digest = ""
    for _ in range(10):
        digest = hash_password("Kunshan-bench-2025")
    hash_ms = (time.perf_counter() - started) * 100
    started = time.perf_counter()
    for _ in range(10):
        verify_password(digest, "Kunshan-bench-2025")
    return {"argon2_hash_ms": round(hash_ms, 1),
            "argon2_verify_ms": round((time.perf_counter() - started) * 100, 1)}


async def load(client: httpx.AsyncClient, method: str, path: str, seconds: float,
               concurrency: int, **kwargs: object) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            response = await client.request(method, path, **kwargs)  # type: ignore[arg-type]
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code >= 400:
                errors += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 2),
        "errors": errors,
    }


def wrk(url: str, seconds: float, concurrency: int, cookie: str | None) -> dict[str, float]:
    """Load from wrk (a C client), so the figure is the server's, not the Python client's."""
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{int(seconds)}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: cv_session={cookie}"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            figures["requests_per_s"] = float(parts[1])
        elif len(parts) == 2 and parts[0] in ("50%", "99%"):
            figures[f"p{parts[0][:-1]}_ms"] = _ms(parts[1])
        elif line.strip().startswith("Non-2xx"):
            figures["errors"] = float(parts[-1])
    return figures


def _ms(value: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if value.endswith(unit):
            return round(float(value[: -len(unit)]) * factor, 2)
    return float(value)


async def measure(base: str, seconds: float, concurrency: int) -> dict[str, object]:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        signed = await client.post("/api/auth/login",
                                   json={"username": "visitor", "password": DEMO_PASSWORD})
        signed.raise_for_status()
        cookie = signed.cookies.get("cv_session")
        if shutil.which("wrk"):
            figures: dict[str, object] = {
                "client": "wrk",
                "health_with_cookie": wrk(f"{base}/api/health", seconds, concurrency, cookie),
                "me_authenticated": wrk(f"{base}/api/auth/me", seconds, concurrency, cookie),
                "portal_systems": wrk(f"{base}/api/portal/systems", seconds, concurrency, cookie),
            }
        else:
            figures = {"client": "httpx (install wrk for server-bound figures)"}
        figures |= {
            "me_authenticated_httpx": await load(client, "GET", "/api/auth/me", seconds,
                                                 concurrency),
        }
    # Sign-ins are bounded by Argon2 by design; measure with 2 workers (the machine's cores).
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        figures["login"] = await load(
            client, "POST", "/api/auth/login", min(seconds, 3), 2,
            json={"username": "creator", "password": DEMO_PASSWORD},
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        env = {**os.environ, "CITYVERSE_DATA_DIR": data_dir, "CITYVERSE_ENV": "dev",
               "CITYVERSE_LOG_LEVEL": "WARNING", "CITYVERSE_PORT": str(port)}
        for command in (["migrate"], ["demo"]):
            subprocess.run([BIN / "cityverse", *command], env=env, check=True,
                           capture_output=True)
        server = subprocess.Popen([BIN / "cityverse", "serve"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            figures = asyncio.run(measure(base, args.seconds, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=15)
    result = {"bench": "foundation", "database": "sqlite", "concurrency": args.concurrency,
              **hashing(), **figures}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
