"""World-server figures end to end: a real server process (uvicorn, one worker), and bots in
separate processes, each driving many asyncio WebSocket clients, that join one hall as guests
and walk (10 Hz poses) and chat nearby. Prints one JSON object: concurrent avatars, p50/p99 pose
fan-out latency (send → last receiver), downlink bytes per second per client, server CPU,
disconnected bots and how far behind the bots' own event loops ran.

    .venv/bin/python bench/realtime.py [--bots 300] [--processes 2] [--seconds 20]
    .venv/bin/python bench/realtime.py --redis --workers 2   # two servers sharing the hall
    .venv/bin/python bench/realtime.py --big        # 2,000 bots, 4 processes, 40 s

Latency is measured with probe bots without touching the protocol: each probe pose carries a
fresh y value (its sequence number in centimetres; the hall floor is y = 0 for everyone else),
and observer bots (every tenth bot) note when it reaches them at full rate. The figure is send
→ last observer, so it includes the bots' own receive delays: ``bot_loop_lag_ms_p99`` shows
how late the bots' event loops ran, and when it is large the latency is the bots', not the
server's. Every process uses the same system-wide monotonic clock, so times compare across
processes. Server CPU is read from /proc for each server pid (user + system time).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import msgpack
from websockets.asyncio.client import connect

from cityverse.realtime.protocol import Ack, Chat, ChatScope, Hello, Pose

HALL = "cloud-living-room"
POSE_HZ = 10
CHAT_EVERY_S = 10.0
PROBES_PER_PROCESS = 5
OBSERVER_EVERY = 10
WORLD_UPDATE = 5


def server_env(data_dir: Path, port: int, tick_hz: int | None = None) -> dict[str, str]:
    env = {**os.environ, "CITYVERSE_ENV": "test", "CITYVERSE_DATA_DIR": str(data_dir),
           "CITYVERSE_LOG_LEVEL": "WARNING", "CITYVERSE_PORT": str(port)}
    if tick_hz:
        env["CITYVERSE_WORLD_TICK_HZ"] = str(tick_hz)
    return env


async def prepare(data_dir: Path, bots: int) -> None:
    """Migrate a fresh SQLite database and open the hall's chat to the guest bots."""
    # Imported here so the bot processes, which import this file, stay light to start.
    from cityverse.core.config import Settings
    from cityverse.core.db import create_engine, create_sessionmaker
    from cityverse.core.migrate import upgrade
    from cityverse.modules.spaces import service as spaces
    from cityverse.modules.spaces.schemas import SpaceSettingsIn

    settings = Settings(env="test", data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    await asyncio.to_thread(upgrade, settings)
    engine = create_engine(settings)
    async with create_sessionmaker(engine)() as session, session.begin():
        await spaces.update_settings(session, settings.city, HALL, SpaceSettingsIn(
            capacity_per_instance=max(bots + 10, 100), allow_guests=True, guests_can_chat=True,
        ), None)
    await engine.dispose()


def wait_for_server(port: int, server: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError("the world server did not start")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Bot:
    def __init__(self, index: int, probe: bool, observer: bool, stats: dict[str, Any]) -> None:
        self.index = index
        self.probe = probe
        self.observer = observer
        self.stats = stats
        rng = random.Random(index)
        self.rng = rng
        self.x, self.z = rng.uniform(-18, 18), rng.uniform(-18, 22)
        self.heading = rng.uniform(0, 360)
        self.sequence = 0
        self.client_id = 0

    def step(self) -> Pose:
        if self.rng.random() < 0.05:
            self.heading = self.rng.uniform(0, 360)
        speed = 1.4 / POSE_HZ
        self.x += speed * math.sin(math.radians(self.heading))
        self.z += speed * math.cos(math.radians(self.heading))
        if not (-19 < self.x < 19 and -19 < self.z < 23):
            self.heading = (self.heading + 180) % 360
            self.x, self.z = max(-19, min(19, self.x)), max(-19, min(23, self.z))
        y = 0.0
        if self.probe:
            self.sequence += 1
            y = self.sequence / 100
        return Pose.from_metres(self.x, y, self.z, self.heading, 1)

    async def run(self, url: str, start_at: float, stop_at: float, measure_from: float) -> None:
        async with connect(url, max_size=2**20, compression=None, open_timeout=60,
                           ping_interval=None) as ws:
            await ws.send(Hello(HALL, None, f"机器人{self.index}", None).encode())
            welcome = msgpack.unpackb(await ws.recv())
            self.client_id = welcome[2]
            self.stats["joined"] += 1
            receiver = asyncio.create_task(self.receive(ws, measure_from, stop_at))
            walker = asyncio.create_task(self.walk(ws, start_at, stop_at, measure_from))
            await asyncio.wait({receiver, walker}, return_when=asyncio.FIRST_COMPLETED)
            if time.monotonic() < stop_at - 0.5:
                # The server closed this bot's socket before the end: count it and why.
                self.stats["disconnected"].append(ws.close_code)
            for task in (receiver, walker):
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.gather(receiver, walker)

    async def walk(self, ws: Any, start_at: float, stop_at: float, measure_from: float) -> None:
        next_chat = start_at + self.rng.uniform(0, CHAT_EVERY_S)
        next_pose = max(time.monotonic(), start_at) + self.rng.uniform(0, 1 / POSE_HZ)
        while next_pose < stop_at:
            await asyncio.sleep(max(next_pose - time.monotonic(), 0))
            pose = self.step()
            sent = time.monotonic()
            await ws.send(pose.encode())
            if self.probe and sent >= measure_from:
                self.stats["sends"][(self.client_id, pose.y_cm)] = sent
            if sent >= next_chat:
                await ws.send(Chat(ChatScope.NEARBY, f"第{self.index}号机器人路过").encode())
                next_chat += CHAT_EVERY_S
            next_pose += 1 / POSE_HZ

    async def receive(self, ws: Any, measure_from: float, stop_at: float) -> None:
        with contextlib.suppress(Exception):
            await self._receive(ws, measure_from, stop_at)

    async def _receive(self, ws: Any, measure_from: float, stop_at: float) -> None:
        stats = self.stats
        async for data in ws:
            now = time.monotonic()
            if measure_from <= now < stop_at:
                stats["bytes"] += len(data)
            frame = msgpack.unpackb(data)
            if frame[1] != WORLD_UPDATE:
                continue
            await ws.send(Ack(frame[2]).encode())
            if self.observer and now >= measure_from:
                note_probes(frame[4], now, stats["receipts"])


def note_probes(flat: list[int], now: float, receipts: dict[tuple[int, int], float]) -> None:
    """Walk a full-rate entry list; probe poses are the entries with a non-zero y."""
    position, end = 0, len(flat)
    while position < end:
        client_id, mask = flat[position], flat[position + 1]
        position += 2
        values = flat[position:position + bin(mask).count("1")]
        position += len(values)
        if mask & 2:
            y = values[1] if mask & 1 else values[0]
            if y > 0:
                key = (client_id, y)
                if key not in receipts or receipts[key] < now:
                    receipts.setdefault(key, now)
                    receipts[key] = max(receipts[key], now)


async def loop_lag(measure_from: float, stop_at: float, lags: list[float]) -> None:
    """How late this process's event loop wakes up: the bots' own share of the latency."""
    period = 0.05
    while (now := time.monotonic()) < stop_at:
        await asyncio.sleep(period)
        if now >= measure_from:
            lags.append((time.monotonic() - now - period) * 1000)


async def bots_main(first: int, count: int, ports: list[int], start_at: float,
                    measure_from: float, stop_at: float) -> dict[str, Any]:
    stats: dict[str, Any] = {"joined": 0, "bytes": 0, "sends": {}, "receipts": {},
                             "disconnected": [], "lags": []}
    bots = [Bot(first + i, i < PROBES_PER_PROCESS, i % OBSERVER_EVERY == 0, stats)
            for i in range(count)]
    gate = asyncio.Semaphore(25)

    async def start(bot: Bot) -> None:
        # Bots spread over the server processes (one port each) by index.
        url = f"ws://127.0.0.1:{ports[bot.index % len(ports)]}/ws/world/{HALL}"
        try:
            async with gate:
                pass
            await bot.run(url, start_at, stop_at, measure_from)
        except Exception as error:  # a failed bot is counted, not fatal to the bench
            stats.setdefault("errors", []).append(type(error).__name__)

    lag = asyncio.create_task(loop_lag(measure_from, stop_at, stats["lags"]))
    cpu = asyncio.create_task(own_cpu(measure_from, stop_at, stats))
    await asyncio.gather(*(start(bot) for bot in bots))
    await lag
    await cpu
    return stats


async def own_cpu(measure_from: float, stop_at: float, stats: dict[str, Any]) -> None:
    """This bot process's CPU seconds over the measured window."""
    await asyncio.sleep(max(measure_from - time.monotonic(), 0))
    started = time.process_time()
    await asyncio.sleep(max(stop_at - time.monotonic(), 0))
    stats["cpu_seconds"] = time.process_time() - started


def bot_process(first: int, count: int, ports: list[int], go: Any, results: Any) -> None:
    """Waits for the parent's start times (spawning takes seconds on a busy machine)."""
    results.put("ready")
    start_at, measure_from, stop_at = go.get()
    # uvloop (installed with uvicorn[standard]) makes each bot cheaper, leaving more CPU to
    # the server on a small machine.
    try:
        import uvloop
        run_loop = uvloop.run
    except ImportError:
        run_loop = asyncio.run
    results.put(run_loop(bots_main(first, count, ports, start_at, measure_from, stop_at)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def start_redis(port: int) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("--redis needs redis-server (scripts/system-deps.sh installs it)")
    redis = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_server(port, redis, 30)
    return redis


def start_servers(
    data_dir: Path, ports: list[int], redis_url: str, tick_hz: int | None
) -> list[subprocess.Popen[bytes]]:
    servers = []
    for port in ports:
        env = server_env(data_dir, port, tick_hz)
        if redis_url:
            env["CITYVERSE_REDIS_URL"] = redis_url
        servers.append(subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "cityverse.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env))
    for port, server in zip(ports, servers, strict=True):
        wait_for_server(port, server)
    return servers


def run(args: argparse.Namespace) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="cityverse-bench-realtime-"))
    asyncio.run(prepare(data_dir, args.bots))
    ports = [args.port + offset for offset in range(args.workers)]
    helpers: list[subprocess.Popen[bytes]] = []
    redis_url = ""
    if args.redis:
        helpers.append(start_redis(args.port + 100))
        redis_url = f"redis://127.0.0.1:{args.port + 100}/0"
    servers = start_servers(data_dir, ports, redis_url, args.tick_hz)
    try:
        context = multiprocessing.get_context("spawn")
        results, go = context.Queue(), context.Queue()
        share = math.ceil(args.bots / args.processes)
        processes = [
            context.Process(target=bot_process, args=(
                p * share, min(share, args.bots - p * share), ports, go, results))
            for p in range(args.processes) if p * share < args.bots
        ]
        for process in processes:
            process.start()
        for _ in processes:
            assert results.get(timeout=120) == "ready"
        ramp = max(5.0, args.bots / 100)
        start_at = time.monotonic() + 1
        measure_from = start_at + ramp
        stop_at = measure_from + args.seconds
        for _ in processes:
            go.put((start_at, measure_from, stop_at))
        time.sleep(max(measure_from - time.monotonic(), 0))
        cpu_before = [cpu_seconds(server.pid) for server in servers]
        wall_before = time.monotonic()
        time.sleep(max(stop_at - time.monotonic(), 0))
        cpu_used = [cpu_seconds(s.pid) - before for s, before in zip(servers, cpu_before,
                                                                      strict=True)]
        wall = time.monotonic() - wall_before
        gathered = [results.get(timeout=120) for _ in processes]
        for process in processes:
            process.join(30)
    finally:
        for child in (*servers, *helpers):
            child.terminate()
            child.wait(30)
    return figures(args, gathered, cpu_used, wall)


def figures(args: argparse.Namespace, gathered: list[dict[str, Any]], cpu_used: list[float],
            wall: float) -> dict[str, Any]:
    sends: dict[tuple[int, int], float] = {}
    receipts: dict[tuple[int, int], float] = {}
    for stats in gathered:
        sends.update(stats["sends"])
        for key, at in stats["receipts"].items():
            receipts[key] = max(receipts.get(key, 0.0), at)
    latencies = [(receipts[key] - sent) * 1000 for key, sent in sends.items() if key in receipts]
    joined = sum(s["joined"] for s in gathered)
    errors = [e for s in gathered for e in s.get("errors", [])]
    disconnected = [code for s in gathered for code in s["disconnected"]]
    lags = [lag for s in gathered for lag in s["lags"]]
    return {
        "bench": "realtime",
        "machine": f"{platform.machine()} {os.cpu_count()} cores",
        # Other jobs on the machine take CPU from the server: read the figures with this.
        "load_average_1m": round(os.getloadavg()[0], 1),
        "bots_requested": args.bots,
        "bot_processes": args.processes,
        "server_processes": args.workers,
        "redis": args.redis,
        "concurrent_avatars": joined,
        "measured_seconds": round(wall, 1),
        "pose_hz": POSE_HZ,
        "fanout_latency_ms_p50": round(percentile(latencies, 0.5), 1) if latencies else None,
        "fanout_latency_ms_p99": round(percentile(latencies, 0.99), 1) if latencies else None,
        "latency_samples": len(latencies),
        "probe_poses_sent": len(sends),
        "downlink_bytes_per_s_per_client": round(
            sum(s["bytes"] for s in gathered) / max(joined, 1) / wall) if wall else None,
        "tick_hz": args.tick_hz or 15,
        # CPU time, which contention from other jobs disturbs less than the wall-clock figures.
        "server_cpu_seconds": round(sum(cpu_used), 1),
        "server_cpu_ms_per_avatar_second": round(1000 * sum(cpu_used) / wall / max(joined, 1),
                                                 3) if wall else None,
        "server_cpu_percent": round(100 * sum(cpu_used) / wall, 1) if wall else None,
        "server_cpu_percent_each": [round(100 * used / wall, 1) for used in cpu_used],
        "bot_cpu_seconds": round(sum(s.get("cpu_seconds", 0.0) for s in gathered), 1),
        "disconnected_bots": len(disconnected),
        "disconnect_close_codes": sorted(set(map(str, disconnected))),
        "bot_loop_lag_ms_p99": round(percentile(lags, 0.99), 1) if lags else None,
        "bot_errors": len(errors),
        "bot_error_kinds": sorted(set(errors)),
        "mean_latency_ms": round(statistics.fmean(latencies), 1) if latencies else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bots", type=int, default=300)
    parser.add_argument("--processes", "--procs", type=int, default=2,
                        help="bot processes (each drives its share of the bots with asyncio)")
    parser.add_argument("--redis", action="store_true",
                        help="start redis-server and share the hall between --workers servers")
    parser.add_argument("--workers", type=int, default=0,
                        help="server processes (default 1, or 2 with --redis)")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--big", action="store_true", help="2,000 bots in 4 processes, 40 s")
    parser.add_argument("--tick-hz", type=int, default=None,
                        help="the server's tick rate (CITYVERSE_WORLD_TICK_HZ, 10–20)")
    args = parser.parse_args()
    if args.big:
        args.bots, args.processes, args.seconds = 2000, 4, 40.0
    if args.workers <= 0:
        args.workers = 2 if args.redis else 1
    if args.workers > 1 and not args.redis:
        parser.error("several server processes share a hall only through --redis")
    print(json.dumps(run(args), ensure_ascii=False))


if __name__ == "__main__":
    main()
