"""The world server's tick alone, in one process without sockets: N members walking in one hall
(the bench hall's 38 m × 42 m floor), every client acknowledging every update. Prints one JSON
object with CPU milliseconds per tick (process time, which other jobs on a shared machine
disturb less than wall time; p50/p99), wall milliseconds and bytes per client per tick;
``--profile`` prints the top of a cProfile of the ticks to stderr. This isolates the server's
per-client Python work from sockets and bots, so before/after figures of the fan-out path
compare cleanly.

    .venv/bin/python bench/realtime_tick.py [--members 500] [--ticks 60] [--profile]
    .venv/bin/python bench/realtime_tick.py --members 1000 --local-share 0.5

``--local-share 0.5`` is one of two processes sharing the hall through Redis: every avatar is
in the instance (the others arrive over the bridge), but only half are this process's clients.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import pstats
import random
import sys
import time

from cityverse.realtime.config import SpaceRules, WorldConfig
from cityverse.realtime.instance import Instance, Member
from cityverse.realtime.protocol import AvatarInfo, AvatarRole
from cityverse.realtime.sendqueue import SendQueue, SendQueueLimits

RULES = SpaceRules("hall", 100_000, True, True)
FLOOR_X = (-19.0, 19.0)
FLOOR_Z = (-19.0, 23.0)
STEP_M = 0.14  # 1.4 m/s at 10 Hz


def populate(
    members: int, local: int, rng: random.Random
) -> tuple[Instance, dict[int, list[float]]]:
    instance = Instance("hall#1", RULES, WorldConfig())
    walkers: dict[int, list[float]] = {}
    limits = SendQueueLimits(max_bytes=1 << 30, max_messages=1 << 20, lag_bytes=1 << 30)
    for cid in range(1, members + 1):
        walker = [rng.uniform(*FLOOR_X), rng.uniform(*FLOOR_Z), rng.uniform(0, 360)]
        walkers[cid] = walker
        instance.add_avatar(cid, AvatarInfo(cid, f"bot{cid}", AvatarRole.GUEST),
                            state_of(walker), None)
        if cid > local:
            continue  # hosted by another process: in the grid, no socket here
        instance.members[cid] = Member(cid, f"bot{cid}", AvatarRole.GUEST, None, None,
                                       f"t{cid}", SendQueue(limits))
    return instance, walkers


def state_of(walker: list[float]) -> tuple[int, int, int, int, int]:
    x, z, heading = walker
    return (round(x * 100), 0, round(z * 100), round(heading * 100) % 36_000, 1)


def walk(instance: Instance, walkers: dict[int, list[float]], rng: random.Random) -> None:
    for cid, walker in walkers.items():
        if rng.random() < 0.05:
            walker[2] = rng.uniform(0, 360)
        walker[0] = min(max(walker[0] + STEP_M * math.sin(math.radians(walker[2])), FLOOR_X[0]),
                        FLOOR_X[1])
        walker[1] = min(max(walker[1] + STEP_M * math.cos(math.radians(walker[2])), FLOOR_Z[0]),
                        FLOOR_Z[1])
        instance.move(cid, state_of(walker))


def drain(instance: Instance, tick: int) -> int:
    """Take every queued frame (a fast client) and acknowledge the tick; returns bytes."""
    sent = 0
    for member in instance.members.values():
        while (frame := member.queue.get_nowait()) is not None:
            sent += len(frame)
        member.encoder.acknowledge(tick)
    return sent


def run(members: int, ticks: int, profile: bool, local_share: float) -> dict[str, object]:
    rng = random.Random(2026)
    local = max(1, round(members * local_share))
    instance, walkers = populate(members, local, rng)
    for tick in range(1, 6):  # warm-up: introductions and first full states
        walk(instance, walkers, rng)
        instance.tick(tick)
        drain(instance, tick)
    profiler = cProfile.Profile() if profile else None
    durations: list[float] = []
    walls: list[float] = []
    sent = 0
    for tick in range(6, 6 + ticks):
        walk(instance, walkers, rng)
        if profiler is not None:
            profiler.enable()
        started, wall_started = time.process_time(), time.perf_counter()
        instance.tick(tick)
        durations.append((time.process_time() - started) * 1000)
        walls.append((time.perf_counter() - wall_started) * 1000)
        if profiler is not None:
            profiler.disable()
        sent += drain(instance, tick)
    if profiler is not None:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(14)
    durations.sort()
    return {
        "bench": "realtime_tick",
        "avatars": members,
        "local_clients": local,
        "ticks": ticks,
        "tick_cpu_ms_p50": round(durations[len(durations) // 2], 1),
        "tick_cpu_ms_p99": round(durations[min(len(durations) - 1, int(0.99 * len(durations)))],
                                 1),
        "tick_wall_ms_mean": round(sum(walls) / len(walls), 1),
        "tick_cpu_ms_per_client": round(sum(durations) / len(durations) / local, 4),
        "bytes_per_client_per_tick": round(sent / ticks / local),
        "tick_cpu_share_of_15_hz_period": round(sum(durations) / len(durations) * 15 / 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--ticks", type=int, default=60)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--local-share", type=float, default=1.0,
                        help="share of the avatars that are this process's clients")
    args = parser.parse_args()
    print(json.dumps(run(args.members, args.ticks, args.profile, args.local_share)))


if __name__ == "__main__":
    main()
