"""Twin telemetry figures: MQTT readings ingested per second end to end (a device publishes
→ the embedded broker → the ingest queue → one transaction per batch updating the entities
and appending history → committed), once with one reading per message and once with arrays
of --per-message readings, and the ingest queue alone (no broker) to show where the time
goes. Devices publish from a separate process over real TCP connections, each with its own
key. Each figure comes with the CPU seconds the platform's process spent (all its threads),
as the machine may be shared. Prints one JSON object.

    .venv/bin/python bench/twin_mqtt.py [--devices 500] [--readings 100000] [--values 1]
                                        [--per-message 50] [--database-url URL]

SQLite in a temporary folder unless --database-url names an empty, migratable database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import random
import socket
import tempfile
import time
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from cityverse.app import create_app
from cityverse.core.config import Settings
from cityverse.core.migrate import upgrade
from cityverse.modules.twin import service as twin
from cityverse.modules.twin.models import TwinAttributeInstance
from cityverse.modules.twin.ngsild.entity import StoredEntity
from cityverse.modules.twin.telemetry import devices, wire
from cityverse.modules.twin.telemetry.schemas import DeviceIn

VOCAB = "https://uri.etsi.org/ngsi-ld/default-context/"
NAMES = ("pm25", "pm10", "no2", "o3", "co", "temperature", "relativeHumidity")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def reading(rng: random.Random, values: int) -> dict[str, Any]:
    return {name: round(rng.uniform(5, 150), 1) for name in NAMES[:values]}


def payload(rng: random.Random, values: int, per_message: int = 1) -> bytes:
    """One reading (an object), or an array of readings a second apart, as a device that
    buffers its measurements sends them."""
    if per_message == 1:
        return json.dumps(reading(rng, values)).encode()
    start = time.time() - per_message
    return json.dumps([{**reading(rng, values), "observedAt": time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + n))} for n in range(per_message)]).encode()


async def prepare(app: Any, count: int) -> list[tuple[str, str]]:
    """Sensor entities and their devices; (device id, key) of each."""
    made = []
    async with app.state.sessionmaker() as session, session.begin():
        entities = [StoredEntity(id=f"urn:ngsi-ld:AirQualityObserved:b{n:05d}",
                                 types=[VOCAB + "AirQualityObserved"],
                                 attrs={VOCAB + "pm25": [{"type": "Property", "value": 1}]})
                    for n in range(count)]
        await twin.create_new_entities(session, "", entities)
        for entity in entities:
            device_id = entity.id.rsplit(":", 1)[1]
            _, key = await devices.create(
                session, DeviceIn(device_id=device_id, entity_id=entity.id), None)
            made.append((device_id, key))
    return made


def publisher_process(url: str, credentials: list[tuple[str, str]], total: int, values: int,
                      per_message: int, ready: Event, go: Event, done: Event) -> None:
    async def publish() -> None:
        rng = random.Random(3)
        connections = [await wire.Publisher.connect(url, device_id, key)
                       for device_id, key in credentials]
        topics = [f"cityverse/default/devices/{device_id}/attrs" for device_id, _ in credentials]
        bodies = [payload(rng, values, per_message) for _ in range(997 if per_message == 1 else 97)]
        ready.set()
        await asyncio.to_thread(go.wait)
        for n in range(total):
            device = n % len(connections)
            connections[device].publish(topics[device], bodies[n % len(bodies)])
            if device == len(connections) - 1:
                await asyncio.gather(*(c.drain() for c in connections))
        await asyncio.gather(*(c.drain() for c in connections))
        # amqtt drops what a client sent just before it disconnects (QoS 0): stay connected
        # until everything is in.
        await asyncio.to_thread(done.wait, 600)
        for connection in connections:
            await connection.close()

    asyncio.run(publish())


async def wait_ingested(app: Any, total: int, within_s: float) -> None:
    counters = app.state.twin_telemetry.pipeline.counters
    deadline = time.perf_counter() + within_s
    while time.perf_counter() < deadline:
        if counters.accepted + counters.rejected >= total:
            return
        await asyncio.sleep(0.005)


async def mqtt_end_to_end(app: Any, settings: Settings, credentials: list[tuple[str, str]],
                          readings: int, values: int, per_message: int) -> dict[str, Any]:
    """`readings` readings in messages of `per_message` each; figures named after the form."""
    messages = readings // per_message
    context = multiprocessing.get_context("spawn")
    ready, go, done = context.Event(), context.Event(), context.Event()
    child = context.Process(target=publisher_process, args=(
        f"mqtt://127.0.0.1:{settings.mqtt_port}", credentials, messages, values, per_message,
        ready, go, done))
    child.start()
    await asyncio.to_thread(ready.wait, 120)
    counters = app.state.twin_telemetry.pipeline.counters
    before, rejected_before = counters.accepted, counters.rejected
    began, cpu_began = time.perf_counter(), time.process_time()
    go.set()
    await wait_ingested(app, before + rejected_before + messages * per_message, within_s=600)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    done.set()
    await asyncio.to_thread(child.join, 60)
    accepted = counters.accepted - before
    form = "mqtt_single" if per_message == 1 else "mqtt_batched"
    return {f"{form}_readings": messages * per_message, f"{form}_accepted": accepted,
            f"{form}_rejected": counters.rejected - rejected_before,
            f"{form}_readings_per_s": round(accepted / elapsed),
            f"{form}_messages_per_s": round(messages / elapsed),
            f"{form}_server_cpu_s": round(cpu, 2),
            f"{form}_readings_per_cpu_s": round(accepted / cpu) if cpu else None}


async def queue_only(app: Any, credentials: list[tuple[str, str]], total: int,
                     values: int) -> dict[str, Any]:
    """The same readings handed straight to the ingest queue: the database side's ceiling."""
    pipeline = app.state.twin_telemetry.pipeline
    rng = random.Random(4)
    bodies = [payload(rng, values) for _ in range(997)]
    topics = [f"cityverse/default/devices/{device_id}/attrs" for device_id, _ in credentials]
    before = pipeline.counters.accepted
    began, cpu_began = time.perf_counter(), time.process_time()
    for n in range(total):
        pipeline.submit(topics[n % len(topics)], bodies[n % len(bodies)])
        if n % 5000 == 4999:
            await asyncio.sleep(0)
    await pipeline.drained()
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    accepted = pipeline.counters.accepted - before
    return {"queue_only_readings_per_s": round(accepted / elapsed),
            "queue_only_server_cpu_s": round(cpu, 2)}


async def run(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        credentials = await prepare(app, args.devices)
        figures: dict[str, Any] = {"devices": args.devices, "values_per_reading": args.values,
                                   "per_message": args.per_message}
        figures.update(await mqtt_end_to_end(app, settings, credentials, args.readings,
                                             args.values, 1))
        if args.per_message > 1:
            figures.update(await mqtt_end_to_end(app, settings, credentials, args.readings,
                                                 args.values, args.per_message))
        figures.update(await queue_only(app, credentials, args.readings, args.values))
        async with app.state.sessionmaker() as session:
            figures["history_rows"] = await session.scalar(
                select(func.count()).select_from(TwinAttributeInstance))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--readings", type=int, default=100_000)
    parser.add_argument("--values", type=int, default=1, choices=range(1, len(NAMES) + 1))
    parser.add_argument("--per-message", type=int, default=50,
                        help="readings per message in the batched run (1: single run only)")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            env="test", log_level="WARNING", data_dir=Path(folder),
            database_url=args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 't.db'}",
            mqtt_embedded=True, mqtt_port=free_port(), twin_ingest_batch_size=args.batch,
            _env_file=None,  # type: ignore[call-arg]
        )
        upgrade(settings)
        figures = asyncio.run(run(args, settings))
    figures.update(machine=platform.machine(), cpus=os.cpu_count(),
                   database="sqlite" if not args.database_url else "external")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
