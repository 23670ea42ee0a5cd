"""Works figures through the HTTP API on SQLite: registrations per second (upload, SHA-256,
preview, AES-256-GCM envelope, custodial signature, durable ledger append, rows) one at a time
and with concurrent creators, their latency; a large image's preview; certificate JSON and PDF;
and the envelope encryption's throughput. Prints one JSON object.

    .venv/bin/python bench/works.py [--works 200] [--creators 8]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from fastapi import FastAPI
from PIL import Image

from cityverse.app import create_app
from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings
from cityverse.core.migrate import upgrade
from cityverse.modules.assets.works import preview
from cityverse.modules.assets.works.blobs import BlobFolder

PASSWORD = "Bench-works-2025"


def png(seed: int, size: int = 256) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (size, size), os.urandom(size * size * 3)).save(out, "PNG")
    return out.getvalue() + seed.to_bytes(4, "big")  # bytes after IEND keep each file unique


async def creator(app: FastAPI, name: str) -> httpx.AsyncClient:
    async with app.state.sessionmaker() as session, session.begin():
        user = await accounts.create_user(session, username=name, password=PASSWORD,
                                          display_name=name, roles=[Role.CREATOR])
        await accounts.set_realname_state(session, user.id, "approved", name)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
    await client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    return client


async def register(client: httpx.AsyncClient, data: bytes, latencies: list[float]) -> str:
    began = time.perf_counter()
    response = await client.post("/api/works", data={"title": "基准作品"},
                                 files={"file": ("w.png", data, "image/png")})
    latencies.append(time.perf_counter() - began)
    assert response.status_code == 201, response.text
    work_id: str = response.json()["work"]["id"]
    return work_id


def ms(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100)[int(q) - 1] * 1000, 1)


async def run(settings: Settings, works: int, creators: int) -> dict[str, object]:
    figures: dict[str, object] = {}
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        files = [png(i) for i in range(works * 2)]
        clients = [await creator(app, f"bench{i}") for i in range(creators)]
        serial: list[float] = []
        began = time.perf_counter()
        ids = [await register(clients[0], files[i], serial) for i in range(works)]
        figures["serial_registrations_per_s"] = round(works / (time.perf_counter() - began), 1)
        figures["serial_p50_ms"], figures["serial_p95_ms"] = ms(serial, 50), ms(serial, 95)

        concurrent: list[float] = []

        async def one_creator(index: int) -> None:  # each creator uploads one work at a time
            for i in range(index, works, creators):
                await register(clients[index], files[works + i], concurrent)

        began = time.perf_counter()
        await asyncio.gather(*(one_creator(index) for index in range(creators)))
        figures[f"concurrent_{creators}_registrations_per_s"] = round(
            works / (time.perf_counter() - began), 1)
        figures["concurrent_p95_ms"] = ms(concurrent, 95)

        await asyncio.sleep(settings.ledger_checkpoint_interval_ms / 1000 + 0.2)
        for suffix, key in (("certificate", "certificate_json_ms"),
                            ("certificate.pdf", "certificate_pdf_ms")):
            timings = []
            for work_id in ids[:20]:
                began = time.perf_counter()
                response = await clients[0].get(f"/api/works/{work_id}/{suffix}")
                timings.append(time.perf_counter() - began)
                assert response.status_code == 200, response.text
            figures[key] = round(statistics.median(timings) * 1000, 1)
        for client in clients:
            await client.aclose()
    return figures


def local_figures(folder: Path) -> dict[str, object]:
    big = io.BytesIO()
    Image.new("RGB", (4000, 3000), (120, 160, 170)).save(big, "JPEG", quality=90)
    began = time.perf_counter()
    preview.image_preview(big.getvalue())
    figures: dict[str, object] = {
        "preview_12mp_jpeg_ms": round((time.perf_counter() - began) * 1000, 1)}
    blobs, kek, data = BlobFolder(folder / "blobs"), os.urandom(32), os.urandom(32 * 1024 * 1024)
    began = time.perf_counter()
    sealed = blobs.seal("benchblob", "0" * 64, data, kek)
    figures["seal_mb_per_s"] = round(32 / (time.perf_counter() - began))
    began = time.perf_counter()
    blobs.open("benchblob", "0" * 64, sealed.wrapped_key, kek)
    figures["open_mb_per_s"] = round(32 / (time.perf_counter() - began))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--works", type=int, default=200)
    parser.add_argument("--creators", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(env="test", data_dir=Path(folder), log_level="WARNING",  # type: ignore[call-arg]
                            _env_file=None)
        upgrade(settings)
        figures: dict[str, object] = {"bench": "works", "python": platform.python_version(),
                                      "works": args.works, "creators": args.creators}
        figures.update(asyncio.run(run(settings, args.works, args.creators)))
        figures.update(local_figures(Path(folder)))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
