"""World-server core figures, all in one process and in memory: protocol encode/decode rates,
area-of-interest queries per second, and downlink bytes per client per tick with delta encoding
versus full state. Prints one JSON object.

    .venv/bin/python bench/realtime_core.py [--ticks 40] [--viewers 100]
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import time
from collections.abc import Callable

from cityverse.realtime.aoi import AoiGrid
from cityverse.realtime.delta import AvatarState, DeltaEncoder
from cityverse.realtime.protocol import (
    FULL_MASK,
    EntityDelta,
    Pose,
    WorldUpdate,
    decode_message,
)

HALL_SIDE_M = 200.0  # a 200 m × 200 m exhibition hall
VIEW_RANGE_M = 40.0
CELL_SIZE_M = 10.0
FULL_RATE_CAP = 50
LOW_RATE_EVERY = 5  # low-rate avatars are sent on every fifth tick
TICK_HZ = 15


def rate(operation: Callable[[], object], seconds: float = 0.5) -> float:
    """Operations per second, run in batches until ``seconds`` have passed."""
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(100):
            operation()
        count += 100
    return round(count / elapsed)


def populate(rng: random.Random, count: int) -> tuple[AoiGrid, dict[int, list[float]]]:
    grid = AoiGrid(CELL_SIZE_M)
    walkers: dict[int, list[float]] = {}
    for cid in range(1, count + 1):
        walkers[cid] = [rng.uniform(0, HALL_SIDE_M), rng.uniform(0, HALL_SIDE_M), 0.0, 0.0]
        grid.move(cid, walkers[cid][0], walkers[cid][1])
    return grid, walkers


def state_of(walker: list[float], animation: int) -> AvatarState:
    x, z, heading, _ = walker
    return (round(x * 100), 0, round(z * 100), round(heading * 100) % 36_000, animation)


def protocol_rates(rng: random.Random) -> dict[str, float]:
    pose = Pose.from_metres(12.3, 0.0, 45.6, 90.0, 2)
    pose_bytes = pose.encode()
    entries = tuple(
        EntityDelta(cid, FULL_MASK, (rng.randrange(20_000), 0, rng.randrange(20_000), 9000, 1))
        for cid in range(1, FULL_RATE_CAP + 1)
    )
    update = WorldUpdate(100, 99, entries, entries[:20], (3, 4))
    update_bytes = update.encode()
    return {
        "pose_encode_per_s": rate(pose.encode),
        "pose_decode_per_s": rate(lambda: decode_message(pose_bytes)),
        "pose_frame_bytes": len(pose_bytes),
        "world_update_70_entries_encode_per_s": rate(update.encode),
        "world_update_70_entries_decode_per_s": rate(lambda: decode_message(update_bytes)),
        "world_update_70_entries_bytes": len(update_bytes),
    }


def aoi_rate(rng: random.Random, avatars: int) -> dict[str, float]:
    grid, _ = populate(rng, avatars)
    viewers = iter(rng.choices(range(1, avatars + 1), k=10_000_000))
    per_s = rate(lambda: grid.interest(next(viewers), FULL_RATE_CAP, VIEW_RANGE_M), 1.0)
    return {f"aoi_queries_per_s_{avatars}": per_s}


def downlink(rng: random.Random, avatars: int, ticks: int, viewers: int) -> dict[str, float]:
    """Walk ``avatars`` around the hall; 30 % move each tick, the rest stand at booths."""
    grid, walkers = populate(rng, avatars)
    sampled = rng.sample(range(1, avatars + 1), viewers)
    encoders = {viewer: DeltaEncoder() for viewer in sampled}
    delta_bytes = full_bytes = 0
    for tick in range(1, ticks + 1):
        for cid, walker in walkers.items():
            if rng.random() < 0.3:
                walker[2] = (walker[2] + rng.uniform(-20, 20)) % 360
                step = math.radians(walker[2])
                walker[0] = min(max(walker[0] + 0.1 * math.cos(step), 0), HALL_SIDE_M)
                walker[1] = min(max(walker[1] + 0.1 * math.sin(step), 0), HALL_SIDE_M)
                walker[3] = 1.0
                grid.move(cid, walker[0], walker[1])
            else:
                walker[3] = 0.0
        for viewer in sampled:
            full_ids, low_ids = grid.interest(viewer, FULL_RATE_CAP, VIEW_RANGE_M)
            due_low = low_ids if tick % LOW_RATE_EVERY == 0 else []
            full = {cid: state_of(walkers[cid], int(walkers[cid][3])) for cid in full_ids}
            low = {cid: state_of(walkers[cid], int(walkers[cid][3])) for cid in due_low}
            encoder = encoders[viewer]
            update = encoder.build(tick, full, low, [*full_ids, *low_ids])
            delta_bytes += len(update.encode())
            encoder.acknowledge(tick)  # a client with a healthy link acknowledges every tick
            full_state = WorldUpdate(
                tick, 0,
                tuple(EntityDelta(cid, FULL_MASK, s) for cid, s in full.items()),
                tuple(EntityDelta(cid, FULL_MASK, s) for cid, s in low.items()),
            )
            full_bytes += len(full_state.encode())
    samples = ticks * viewers
    per_tick_delta = delta_bytes / samples
    per_tick_full = full_bytes / samples
    return {
        "hall_avatars": avatars,
        "hall_side_m": HALL_SIDE_M,
        "view_range_m": VIEW_RANGE_M,
        "moving_share": 0.3,
        "bytes_per_client_per_tick_delta": round(per_tick_delta, 1),
        "bytes_per_client_per_tick_full_state": round(per_tick_full, 1),
        "delta_saving_ratio": round(per_tick_full / per_tick_delta, 2),
        "downlink_kb_per_s_per_client_delta_at_15hz": round(per_tick_delta * TICK_HZ / 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ticks", type=int, default=40)
    parser.add_argument("--viewers", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(2026)
    started = time.perf_counter()
    figures: dict[str, object] = {"python": platform.python_version()}
    figures.update(protocol_rates(rng))
    figures.update(aoi_rate(rng, 2000))
    figures.update(aoi_rate(rng, 5000))
    figures.update(downlink(rng, 2000, args.ticks, args.viewers))
    figures["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
