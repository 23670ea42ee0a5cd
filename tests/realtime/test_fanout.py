"""The batched frame build (realtime/fanout.py) against the per-viewer reference encoder: same
bytes on random worlds, decodable round trip, introductions before first mention."""

from __future__ import annotations

import msgpack
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityverse.realtime import fanout
from cityverse.realtime.config import SpaceRules, WorldConfig
from cityverse.realtime.delta import AvatarState, DeltaDecoder, DeltaEncoder
from cityverse.realtime.fanout import SnapshotEncoder, TickWorld, build_frames, msgpack_ints
from cityverse.realtime.instance import Instance, Member
from cityverse.realtime.protocol import (
    AvatarInfo,
    AvatarRole,
    MessageType,
    WorldUpdate,
    decode_message,
)
from cityverse.realtime.sendqueue import SendQueue

EDGES = [0, 1, 31, 127, 128, 255, 256, 65535, 65536, 2**31 - 1, -1, -32, -33, -128, -129,
         -32768, -32769, -(2**31)]


@given(st.lists(st.one_of(st.integers(-(2**31), 2**31 - 1), st.sampled_from(EDGES)),
                max_size=60))
def test_msgpack_ints_are_packb(values: list[int]) -> None:
    table, lengths = msgpack_ints(np.array(values, dtype=np.int64))
    for row, length, value in zip(table, lengths, values, strict=True):
        assert bytes(row[:length]) == msgpack.packb(value)


pose_value = st.integers(min_value=-3000, max_value=3000)
state = st.tuples(pose_value, st.integers(0, 3), pose_value, st.integers(0, 35_999),
                  st.integers(0, 255))


def random_tick(
    data: st.DataObject, ids: list[int], viewers: int, cap: int
) -> tuple[dict[int, AvatarState], np.ndarray, list[bool]]:
    present = sorted(data.draw(st.sets(st.sampled_from(ids), min_size=1)))
    states = {client_id: data.draw(state) for client_id in present}
    ranked = np.full((viewers, cap), -1, dtype=np.int64)
    for row in range(viewers):
        picked = data.draw(st.lists(st.integers(0, len(present) - 1), unique=True,
                                    max_size=min(cap, len(present))))
        ranked[row, :len(picked)] = picked
    due = [data.draw(st.booleans()) for _ in range(viewers)]
    return states, ranked, due


@settings(max_examples=60, deadline=None)
@given(data=st.data(), viewers=st.integers(1, 5), full_cap=st.integers(0, 4),
       low_cap=st.integers(0, 4), ticks=st.integers(1, 6), dense_lookup=st.booleans())
def test_batched_frames_are_the_reference_frames(
    data: st.DataObject, viewers: int, full_cap: int, low_cap: int, ticks: int,
    dense_lookup: bool,
) -> None:
    """Random worlds (avatars come and go, stand still or move one field), random interest
    lists and acknowledgements that lag, skip and repeat: every frame is the reference's bytes
    and decodes to the world the reference implies. Client ids are found by table or, past
    its size limit, by binary search."""
    limit = fanout.DENSE_LOOKUP_LIMIT
    fanout.DENSE_LOOKUP_LIMIT = limit if dense_lookup else 0
    try:
        _check_against_reference(data, viewers, full_cap, low_cap, ticks)
    finally:
        fanout.DENSE_LOOKUP_LIMIT = limit


def _check_against_reference(
    data: st.DataObject, viewers: int, full_cap: int, low_cap: int, ticks: int
) -> None:
    ids = [3, 7, 8, 40, 41, 300, 70_000]
    cap = full_cap + low_cap
    batched = [SnapshotEncoder() for _ in range(viewers)]
    reference = [DeltaEncoder() for _ in range(viewers)]
    decoders = [DeltaDecoder() for _ in range(viewers)]
    received: list[list[int]] = [[] for _ in range(viewers)]
    for tick in range(1, ticks + 1):
        states, ranked, due = random_tick(data, ids, viewers, cap)
        order = sorted(states)
        world = TickWorld.of(np.array(order, dtype=np.int64),
                             np.array([states[c] for c in order], dtype=np.int64).reshape(-1, 5))
        result = build_frames(tick, world, batched, ranked, full_cap, np.array(due, dtype=bool))
        for row in range(viewers):
            ranked_ids = [order[p] for p in ranked[row].tolist() if p >= 0]
            full, low = ranked_ids[:full_cap], ranked_ids[full_cap:]
            update = reference[row].build(
                tick, {c: states[c] for c in full},
                {c: states[c] for c in low} if due[row] else {}, ranked_ids)
            expected = (update.encode() if update.full_rate or update.low_rate or update.removed
                        else None)
            assert result.frames[row] == expected
            unseen = set(result.unseen.get(row, []))
            sent_ids = {entry.client_id for entry in (*update.full_rate, *update.low_rate)}
            assert unseen <= sent_ids
            if expected is not None:
                decoded = decoders[row].receive(WorldUpdate.decode(expected))
                assert {c: decoded[c] for c in sent_ids} == {c: states[c] for c in sent_ids}
                received[row].append(tick)
            # A client acknowledges a tick it received: the newest, an older one, or none yet.
            acked = data.draw(st.sampled_from([None, *received[row][-3:]]))
            if acked is not None:
                batched[row].acknowledge(acked)
                reference[row].acknowledge(acked)
            assert batched[row].acked_tick == reference[row].acked_tick


def test_long_entry_lists_use_the_16_bit_array_header() -> None:
    states = {cid: (cid, 0, cid, 0, 0) for cid in range(1, 40)}
    update = DeltaEncoder().build(1, states, {}, list(states))
    world = TickWorld.of(np.arange(1, 40, dtype=np.int64),
                         np.array(list(states.values()), dtype=np.int64))
    ranked = np.arange(39, dtype=np.int64)[None, :]
    frame = build_frames(1, world, [SnapshotEncoder()], ranked, 39, np.array([False])).frames[0]
    assert frame == update.encode()
    assert frame is not None and b"\xdc" in frame[:8]


def crowd(count: int, config: WorldConfig) -> Instance:
    instance = Instance("hall#1", SpaceRules("hall", 10_000, True, False), config)
    for client_id in range(1, count + 1):
        instance.add_avatar(client_id, AvatarInfo(client_id, f"v{client_id}", AvatarRole.GUEST),
                            ((client_id * 37) % 900, 0, (client_id * 53) % 700, 0, 0), None)
        instance.members[client_id] = Member(client_id, f"v{client_id}", AvatarRole.GUEST,
                                             None, None, f"t{client_id}", SendQueue())
    return instance


@pytest.mark.parametrize("matrix_cells", [fanout.MATRIX_CELLS, 7])
def test_every_avatar_in_an_update_was_introduced_first(
    monkeypatch: pytest.MonkeyPatch, matrix_cells: int
) -> None:
    """Also with the viewers split into many groups (a tiny work matrix)."""
    monkeypatch.setattr(fanout, "MATRIX_CELLS", matrix_cells)
    instance = crowd(30, WorldConfig(full_rate_cap=4, low_rate_cap=6, low_rate_every=3))
    introduced: dict[int, set[int]] = {client_id: set() for client_id in instance.members}
    for tick in range(1, 8):
        for client_id in instance.avatars:
            x, y, z, heading, animation = instance.avatars[client_id]
            instance.move(client_id, (x + (client_id * tick) % 7 - 3, y, z, heading, animation))
        instance.tick(tick)
        for client_id, member in instance.members.items():
            while (frame := member.queue.get_nowait()) is not None:
                message = decode_message(frame)
                if isinstance(message, AvatarInfo):
                    introduced[client_id].add(message.client_id)
                elif message.TYPE is MessageType.WORLD_UPDATE:
                    assert isinstance(message, WorldUpdate)
                    for entry in (*message.full_rate, *message.low_rate):
                        assert entry.client_id in introduced[client_id]
            member.encoder.acknowledge(tick)
