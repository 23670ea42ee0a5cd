"""Delta encoding against the last acknowledged tick survives dropped and reordered updates."""

from __future__ import annotations

import random

from cityverse.realtime.delta import AvatarState, DeltaDecoder, DeltaEncoder
from cityverse.realtime.protocol import FULL_MASK, WorldUpdate


def test_first_update_is_full_and_unchanged_avatars_are_omitted_after_ack() -> None:
    encoder = DeltaEncoder()
    states: dict[int, AvatarState] = {1: (0, 0, 0, 0, 0), 2: (100, 0, 100, 9000, 1)}
    first = encoder.build(1, states, {}, states)
    assert first.baseline_tick == 0
    assert [e.mask for e in first.full_rate] == [FULL_MASK, FULL_MASK]
    encoder.acknowledge(1)
    states[2] = (150, 0, 100, 9000, 1)
    second = encoder.build(2, states, {}, states)
    assert second.baseline_tick == 1
    assert [(e.client_id, e.mask, e.values) for e in second.full_rate] == [(2, 0b1, (150,))]


def test_avatars_leaving_interest_are_removed_until_acknowledged() -> None:
    encoder = DeltaEncoder()
    encoder.build(1, {1: (0, 0, 0, 0, 0), 2: (5, 0, 5, 0, 0)}, {}, [1, 2])
    encoder.acknowledge(1)
    assert encoder.build(2, {1: (0, 0, 0, 0, 0)}, {}, [1]).removed == (2,)
    # Tick 2 was never acknowledged, so tick 3 repeats the removal.
    assert encoder.build(3, {1: (0, 0, 0, 0, 0)}, {}, [1]).removed == (2,)


def test_stale_and_unknown_acks_are_ignored() -> None:
    encoder = DeltaEncoder()
    encoder.build(1, {}, {}, [])
    encoder.build(2, {}, {}, [])
    encoder.acknowledge(2)
    encoder.acknowledge(1)
    encoder.acknowledge(99)
    assert encoder.acked_tick == 2


def test_client_world_matches_server_with_drops_and_late_acks() -> None:
    rng = random.Random(7)
    encoder, decoder = DeltaEncoder(), DeltaDecoder()
    truth: dict[int, AvatarState] = {
        cid: (rng.randrange(-5000, 5000), 0, rng.randrange(-5000, 5000), 0, 0)
        for cid in range(1, 60)
    }
    in_flight: list[tuple[WorldUpdate, dict[int, AvatarState], set[int]]] = []
    for tick in range(1, 400):
        for cid in rng.sample(sorted(truth), 10):
            x, y, z, _, animation = truth[cid]
            truth[cid] = (x + rng.randrange(-50, 50), y, z, rng.randrange(36_000), animation)
        visible = {cid: s for cid, s in truth.items() if rng.random() < 0.9}
        full = {cid: s for cid, s in visible.items() if cid % 3}
        low = {cid: s for cid, s in visible.items() if cid % 3 == 0 and tick % 4 == 0}
        in_flight.append((encoder.build(tick, full, low, visible), dict(truth), set(visible)))
        # The send queue drops some updates; the network delays acks by a few ticks.
        if rng.random() < 0.3:
            in_flight.pop()
        while in_flight and rng.random() < 0.6:
            update, truth_then, visible_then = in_flight.pop(0)
            world = decoder.receive(update)
            for entry in (*update.full_rate, *update.low_rate):
                assert world[entry.client_id] == truth_then[entry.client_id]
            assert set(world) <= visible_then
            assert not set(update.removed) & set(world)
            if rng.random() < 0.7:
                encoder.acknowledge(update.tick)
        assert len(encoder._snapshots) <= 65


def test_delta_updates_are_much_smaller_than_full_state() -> None:
    rng = random.Random(3)
    encoder = DeltaEncoder()
    states = {cid: (rng.randrange(10_000), 0, rng.randrange(10_000), 0, 0) for cid in range(1, 51)}
    full_size = len(encoder.build(1, states, {}, states).encode())
    encoder.acknowledge(1)
    for cid in list(states)[:5]:
        x, y, z, heading, _ = states[cid]
        states[cid] = (x + 20, y, z, heading, 1)
    delta_size = len(encoder.build(2, states, {}, states).encode())
    assert delta_size * 5 < full_size
