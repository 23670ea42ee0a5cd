"""Per-viewer delta encoding of world updates against the last acknowledged tick.

Each update names its ``baseline_tick``: the newest tick the client has acknowledged. Every entry
is a delta against the baseline's state of that avatar (or full when the baseline lacks it), and
the world implied by a tick is ``baseline world + entries - removals``. Because no update depends
on an unacknowledged one, the send queue may drop stale updates without breaking decoding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set

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

Fragment = tuple[bytes, int]
"""An entry packed as msgpack integers, and how many integers it holds."""



class FragmentCache:
    """One tick's packed entries by ``(client_id, baseline state)``: viewers that acknowledged
    the same state of an avatar (nearly all do) share one packed entry. ``by_object`` finds it
    by the baseline tuple's identity (viewers' snapshots share the tuples), so the common hit
    costs an int lookup and two checks; the entry holds the tuple, so its id stays unique."""

    __slots__ = ("by_object", "by_state")

    def __init__(self) -> None:
        self.by_object: dict[int, tuple[AvatarState | None, int, Fragment]] = {}
        self.by_state: dict[tuple[int, AvatarState | None], Fragment] = {}

    def miss(self, client_id: int, state: AvatarState, old: AvatarState | None) -> Fragment:
        key = (client_id, old)
        fragment = self.by_state.get(key)
        if fragment is None:
            fragment = self.by_state[key] = _pack_entry(client_id, state, old)
        self.by_object[id(old)] = (old, client_id, fragment)
        return fragment

# [version, type, ...] of a world update: a 7-item array, then the two small integers.
_FRAME_HEAD: bytes = bytes([0x97]) + msgpack.packb(PROTOCOL_VERSION) + msgpack.packb(
    int(MessageType.WORLD_UPDATE))
_NO_CHANGE: Fragment = (b"", 0)


def frame_head(tick: int) -> bytes:
    """The bytes every world update of ``tick`` starts with: array header, version, type, tick."""
    packed: bytes = msgpack.packb(tick)
    return _FRAME_HEAD + packed

# Snapshots older than this many unacknowledged ticks are forgotten; the client then gets full
# states again, which is what a client that has stopped acknowledging deserves.
MAX_PENDING_SNAPSHOTS = 64


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


class DeltaEncoder:
    """Server side, one per connected viewer."""

    def __init__(self) -> None:
        self._snapshots: dict[int, World] = {}
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
        self._snapshots[tick] = world
        if len(self._snapshots) > MAX_PENDING_SNAPSHOTS:
            del self._snapshots[min(self._snapshots)]
        return WorldUpdate(tick, baseline_tick, full_entries, low_entries, removed)

    def build_frame(
        self,
        tick: int,
        states: Mapping[int, AvatarState],
        full_rate: Sequence[int],
        low_rate: Sequence[int],
        in_interest: Set[int],
        fragments: FragmentCache,
    ) -> bytes | None:
        """The same update as ``build`` (same bytes as its ``encode()``, same snapshot kept),
        spliced from packed entries shared through ``fragments``; None when it would be empty.
        ``full_rate``/``low_rate`` are ids whose current state is in ``states``."""
        baseline = self._snapshots.get(self._acked_tick)
        if baseline is None:
            baseline, baseline_tick = {}, 0
        else:
            baseline_tick = self._acked_tick
        gone = sorted(baseline.keys() - in_interest)
        world = baseline.copy()
        for client_id in gone:
            del world[client_id]
        full, full_count = _splice(sorted(full_rate), states, baseline, world, fragments)
        low, low_count = _splice(sorted(low_rate), states, baseline, world, fragments)
        self._snapshots[tick] = world
        if len(self._snapshots) > MAX_PENDING_SNAPSHOTS:
            del self._snapshots[min(self._snapshots)]
        if not (full_count or low_count or gone):
            return None
        return b"".join((
            _FRAME_HEAD, msgpack.packb(tick), msgpack.packb(baseline_tick),
            _array_header(full_count), full, _array_header(low_count), low,
            msgpack.packb(gone),
        ))

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


def _splice(
    ids: list[int], states: Mapping[int, AvatarState], baseline: World, world: World,
    fragments: FragmentCache,
) -> Fragment:
    # Look-ups and the snapshot update run in C (map/zip); the loop only handles changes.
    news = list(map(states.__getitem__, ids))
    olds = list(map(baseline.get, ids))
    world.update(zip(ids, news, strict=True))
    parts: list[bytes] = []
    count = 0
    by_object = fragments.by_object
    for client_id, state, old in zip(ids, news, olds, strict=True):
        if old is state:  # the common case of an avatar standing still: nothing to send
            continue
        hit = by_object.get(id(old))
        if hit is not None and hit[0] is old and hit[1] == client_id:
            fragment = hit[2]
        else:
            fragment = fragments.miss(client_id, state, old)
        if fragment[1]:
            parts.append(fragment[0])
            count += fragment[1]
    return b"".join(parts), count


def _pack_entry(client_id: int, state: AvatarState, old: AvatarState | None) -> Fragment:
    entry = diff(client_id, state, old)
    if entry is None:
        return _NO_CHANGE
    numbers = (client_id, entry.mask, *entry.values)
    return b"".join(msgpack.packb(number) for number in numbers), len(numbers)


def _array_header(length: int) -> bytes:
    """msgpack's header for an array of ``length`` items (what ``packb`` writes for a list)."""
    if length < 16:
        return bytes([0x90 | length])
    if length < 1 << 16:
        return b"\xdc" + length.to_bytes(2, "big")
    return b"\xdd" + length.to_bytes(4, "big")


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
