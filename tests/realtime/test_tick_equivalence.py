"""The vectorised, spliced tick sends every member exactly the frames the per-viewer reference
(``AoiGrid.interest`` + ``DeltaEncoder.build``) would, tick after tick, as avatars move."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cityverse.realtime.config import SpaceRules, WorldConfig
from cityverse.realtime.delta import DeltaEncoder
from cityverse.realtime.instance import Instance, Member
from cityverse.realtime.protocol import PROTOCOL_VERSION, AvatarInfo, AvatarRole, MessageType
from cityverse.realtime.sendqueue import SendQueue

RULES = SpaceRules("hall", 10_000, True, False)
coordinate = st.integers(min_value=-3000, max_value=3000)


def reference_frames(instance: Instance, encoders: dict[int, DeltaEncoder], tick: int
                     ) -> dict[int, bytes | None]:
    """The tick as it was written before the batch path: one query and one build per viewer."""
    config = instance.config
    frames: dict[int, bytes | None] = {}
    for client_id in instance.members:
        full, low = instance.grid.interest(client_id, config.full_rate_cap, config.view_range_m)
        del low[config.low_rate_cap:]
        low_due = (tick + client_id) % max(config.low_rate_every, 1) == 0
        update = encoders[client_id].build(
            tick, {c: instance.avatars[c] for c in full},
            {c: instance.avatars[c] for c in low} if low_due else {}, full + low)
        frames[client_id] = (update.encode() if update.full_rate or update.low_rate
                             or update.removed else None)
    return frames


def world_update_in(queue: SendQueue) -> bytes | None:
    """Drain the queue (introductions too); the world update of this tick, if one was sent."""
    found = None
    while (frame := queue.get_nowait()) is not None:
        if frame[:3] == bytes([0x97, PROTOCOL_VERSION, MessageType.WORLD_UPDATE]):
            found = frame
    return found


@settings(max_examples=40, deadline=None)
@given(
    start=st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=30),
    moves=st.lists(st.lists(st.tuples(st.integers(0, 29), coordinate, coordinate), max_size=10),
                   min_size=1, max_size=5),
    full_cap=st.integers(min_value=0, max_value=8),
    low_cap=st.integers(min_value=0, max_value=8),
    view_range=st.floats(min_value=1.0, max_value=50.0),
    remote=st.integers(min_value=0, max_value=5),
)
def test_tick_matches_the_per_viewer_reference(
    start: list[tuple[int, int]], moves: list[list[tuple[int, int, int]]], full_cap: int,
    low_cap: int, view_range: float, remote: int,
) -> None:
    config = WorldConfig(full_rate_cap=full_cap, low_rate_cap=low_cap, view_range_m=view_range,
                         low_rate_every=2)
    instance = Instance("hall#1", RULES, config)
    for client_id, (x, z) in enumerate(start, 1):
        instance.add_avatar(client_id, AvatarInfo(client_id, f"v{client_id}", AvatarRole.GUEST),
                            (x, 0, z, 0, 0), None)
        if client_id > remote:  # the first few are another process's avatars: no member here
            instance.members[client_id] = Member(client_id, f"v{client_id}", AvatarRole.GUEST,
                                                 None, None, f"t{client_id}", SendQueue())
    encoders = {client_id: DeltaEncoder() for client_id in instance.members}
    for tick, step in enumerate(moves, 1):
        for index, x, z in step:
            client_id = index % len(start) + 1
            instance.move(client_id, (x, 0, z, tick, 0))
        expected = reference_frames(instance, encoders, tick)
        instance.tick(tick)
        for client_id, member in instance.members.items():
            assert world_update_in(member.queue) == expected[client_id]
            if tick % 2:  # acknowledge every other tick: baselines lag behind sometimes
                member.encoder.acknowledge(tick)
                encoders[client_id].acknowledge(tick)
