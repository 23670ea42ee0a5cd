"""The spliced world-update frame is byte for byte the reference ``build(...).encode()``."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cityverse.realtime.delta import AvatarState, DeltaEncoder, FragmentCache

IDS = list(range(1, 25))
small = st.integers(min_value=0, max_value=3)  # few values: many unchanged fields and ties
state = st.tuples(small, small, st.integers(-70_000, 70_000), small, small)
step = st.tuples(
    st.dictionaries(st.sampled_from(IDS), state, max_size=12),  # moves this tick
    st.lists(st.sampled_from(IDS), max_size=20, unique=True),  # in interest
    st.integers(min_value=0, max_value=20),  # how many of those are full rate
    st.booleans(),  # low rate due
    st.integers(min_value=0, max_value=3),  # which earlier tick the client acknowledges
)


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(step, min_size=1, max_size=12), viewers=st.integers(1, 3))
def test_build_frame_matches_build(
    steps: list[tuple[dict[int, AvatarState], list[int], int, bool, int]], viewers: int,
) -> None:
    states: dict[int, AvatarState] = {cid: (0, 0, cid, 0, 0) for cid in IDS}
    reference = [DeltaEncoder() for _ in range(viewers)]
    spliced = [DeltaEncoder() for _ in range(viewers)]
    for tick, (moves, interest, full_count, low_due, ack_back) in enumerate(steps, 1):
        states.update(moves)
        full, low = interest[:full_count], interest[full_count:]
        fragments = FragmentCache()  # shared by the viewers of one tick, as in the server
        for viewer, (expected_encoder, encoder) in enumerate(zip(reference, spliced,
                                                                 strict=True)):
            seen = interest[viewer:]  # viewers see overlapping, different sets
            seen_full, seen_low = [c for c in full if c in seen], [c for c in low if c in seen]
            update = expected_encoder.build(
                tick, {c: states[c] for c in seen_full},
                {c: states[c] for c in seen_low} if low_due else {}, seen)
            frame = encoder.build_frame(tick, states, seen_full, seen_low if low_due else [],
                                        set(seen), fragments)
            if update.full_rate or update.low_rate or update.removed:
                assert frame == update.encode()
            else:
                assert frame is None
            if tick > ack_back:
                expected_encoder.acknowledge(tick - ack_back)
                encoder.acknowledge(tick - ack_back)
            assert encoder.acked_tick == expected_encoder.acked_tick


def test_long_entry_lists_use_the_16_bit_array_header() -> None:
    states = {cid: (cid, 0, cid, 0, 0) for cid in range(1, 40)}
    update = DeltaEncoder().build(1, states, {}, list(states))
    frame = DeltaEncoder().build_frame(1, states, list(states), [], set(states), FragmentCache())
    assert frame == update.encode()
