"""Per-viewer delta encoding of world updates against the last acknowledged tick.

Each update names its ``baseline_tick``: the newest tick the client has acknowledged. Every entry
is a delta against the baseline's state of that avatar (or full when the baseline lacks it), and
the world implied by a tick is ``baseline world + entries - removals``. Because no update depends
on an unacknowledged one, the send queue may drop stale updates without breaking decoding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

import msgpack

from cityverse.realtime.protocol import (
    FULL_MASK,
    POSE_FIELD_COUNT,
    PROTOCOL_VERSION,
    EntityDelta,
    MessageType,
    WorldUpdate,
)

AvatarState = tuple[int, int, int, int, int]
"""x_cm, y_cm, z_cm, heading_cdeg, animation — the same quantised fields as a Pose."""

World = dict[int, AvatarState]

# [version, type, ...] of a world update: a 7-item array, then the two small integers.
_FRAME_HEAD: bytes = bytes([0x97]) + msgpack.packb(PROTOCOL_VERSION) + msgpack.packb(
    int(MessageType.WORLD_UPDATE))


def frame_head(tick: int) -> bytes:
    """The bytes every world update of ``tick`` starts with: array header, version, type, tick."""
    packed: bytes = msgpack.packb(tick)
    return _FRAME_HEAD + packed

# Snapshots older than this many unacknowledged ticks are forgotten; the client then gets full
# states again, which is what a client that has stopped acknowledging deserves.
MAX_PENDING_SNAPSHOTS = 64
Snapshot = TypeVar("Snapshot")


def diff(client_id: int, new: AvatarState, old: AvatarState | None) -> EntityDelta | None:
    """Entry carrying the fields of ``new`` that differ from ``old``; None when nothing changed."""
    if old is None:
        return EntityDelta(client_id, FULL_MASK, new)
    mask = 0
    values: list[int] = []
    for bit in range(POSE_FIELD_COUNT):
        if new[bit] != old[bit]:
            mask |= 1 << bit
            values.append(new[bit])
    return EntityDelta(client_id, mask, tuple(values)) if mask else None


def apply(entry: EntityDelta, old: AvatarState | None) -> AvatarState:
    fields = list(old) if old is not None else [0] * POSE_FIELD_COUNT
    values = iter(entry.values)
    for bit in range(POSE_FIELD_COUNT):
        if entry.mask & (1 << bit):
            fields[bit] = next(values)
    x, y, z, heading, animation = fields
    return (x, y, z, heading, animation)


class AckedSnapshots(Generic[Snapshot]):
    """What a viewer was sent and has acknowledged: the world each unacknowledged update
    implied, by tick, so the next update is a delta from the newest acknowledged one."""

    __slots__ = ("_acked_tick", "_snapshots")

    def __init__(self) -> None:
        self._snapshots: dict[int, Snapshot] = {}
        self._acked_tick = 0

    @property
    def acked_tick(self) -> int:
        return self._acked_tick

    def acknowledge(self, tick: int) -> None:
        """Move the baseline forward; ignores stale, duplicate or never-sent ticks."""
        if tick <= self._acked_tick or tick not in self._snapshots:
            return
        self._acked_tick = tick
        self._snapshots = {t: w for t, w in self._snapshots.items() if t >= tick}

    def keep(self, tick: int, snapshot: Snapshot) -> None:
        self._snapshots[tick] = snapshot
        if len(self._snapshots) > MAX_PENDING_SNAPSHOTS:
            del self._snapshots[min(self._snapshots)]


class DeltaEncoder(AckedSnapshots[World]):
    """The per-viewer reference encoder (one per viewer). The server builds all viewers' frames
    at once with ``fanout.build_frames``, which writes exactly these updates' bytes."""

    __slots__ = ()

    def build(
        self,
        tick: int,
        full_rate: Mapping[int, AvatarState],
        low_rate: Mapping[int, AvatarState],
        in_interest: Iterable[int],
    ) -> WorldUpdate:
        """Update for ``tick``; ``low_rate`` holds only the low-rate avatars due this tick, and
        ``in_interest`` every avatar the viewer may still see (anything else is removed)."""
        baseline = self._snapshots.get(self._acked_tick)
        if baseline is None:
            baseline, baseline_tick = {}, 0
        else:
            baseline_tick = self._acked_tick
        visible = set(in_interest)
        world: World = {cid: state for cid, state in baseline.items() if cid in visible}
        full_entries = self._entries(full_rate, baseline, world)
        low_entries = self._entries(low_rate, baseline, world)
        removed = tuple(sorted(cid for cid in baseline if cid not in visible))
        self.keep(tick, world)
        return WorldUpdate(tick, baseline_tick, full_entries, low_entries, removed)

    @staticmethod
    def _entries(
        states: Mapping[int, AvatarState], baseline: World, world: World
    ) -> tuple[EntityDelta, ...]:
        entries: list[EntityDelta] = []
        for cid in sorted(states):
            state = states[cid]
            world[cid] = state
            entry = diff(cid, state, baseline.get(cid))
            if entry is not None:
                entries.append(entry)
        return tuple(entries)


class DeltaDecoder:
    """Client side (used by bots and tests): rebuilds the world from updates, in any order."""

    def __init__(self) -> None:
        self._snapshots: dict[int, World] = {0: {}}
        self.latest_tick = 0

    def receive(self, update: WorldUpdate) -> World:
        baseline = self._snapshots.get(update.baseline_tick)
        if baseline is None:
            raise KeyError(f"baseline tick {update.baseline_tick} was never received")
        world: World = {cid: s for cid, s in baseline.items() if cid not in update.removed}
        for entry in (*update.full_rate, *update.low_rate):
            world[entry.client_id] = apply(entry, baseline.get(entry.client_id))
        self._snapshots[update.tick] = world
        self.latest_tick = max(self.latest_tick, update.tick)
        # Keep the baseline the server may still use and everything newer.
        self._snapshots = {
            t: w for t, w in self._snapshots.items() if t >= update.baseline_tick or t == 0
        }
        return world
