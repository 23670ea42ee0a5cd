"""Property tests of the per-tick fan-out: a client never hears about an avatar beyond its
view range, and never misses one of its nearest avatars (up to the full-rate cap)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from cityverse.realtime.config import SpaceRules, WorldConfig
from cityverse.realtime.instance import Instance, Member
from cityverse.realtime.protocol import AvatarInfo, AvatarRole, WorldUpdate, decode_message
from cityverse.realtime.sendqueue import SendQueue

RULES = SpaceRules("hall", 10_000, True, False)
coordinate = st.integers(min_value=-6000, max_value=6000)  # centimetres: a 120 m square


def build(positions: list[tuple[int, int]], config: WorldConfig) -> Instance:
    instance = Instance("hall#1", RULES, config)
    for client_id, (x, z) in enumerate(positions, 1):
        instance.add_avatar(client_id, AvatarInfo(client_id, f"v{client_id}", AvatarRole.GUEST),
                            (x, 0, z, 0, 0), None)
        instance.members[client_id] = Member(client_id, f"v{client_id}", AvatarRole.GUEST, None,
                                             None, f"t{client_id}", SendQueue())
    return instance


def updates_of(member: Member) -> list[WorldUpdate]:
    found = []
    while (frame := member.queue.get_nowait()) is not None:
        message = decode_message(frame)
        if isinstance(message, WorldUpdate):
            found.append(message)
    return found


@settings(max_examples=60, deadline=None)
@given(
    positions=st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=60, unique=True),
    full_cap=st.integers(min_value=1, max_value=12),
    low_cap=st.integers(min_value=0, max_value=12),
    view_range=st.floats(min_value=1.0, max_value=80.0),
    low_every=st.integers(min_value=1, max_value=3),
)
def test_interest_respects_range_and_the_near_cap(
    positions: list[tuple[int, int]], full_cap: int, low_cap: int, view_range: float,
    low_every: int,
) -> None:
    config = WorldConfig(full_rate_cap=full_cap, low_rate_cap=low_cap, view_range_m=view_range,
                         low_rate_every=low_every)
    instance = build(positions, config)
    for tick in (1, 2, 3):
        instance.tick(tick)
    for viewer, member in instance.members.items():
        vx, vz = positions[viewer - 1]

        def distance(other: int, vx: int = vx, vz: int = vz) -> float:
            ox, oz = positions[other - 1]
            return math.hypot(ox - vx, oz - vz) / 100

        sent_full: set[int] = set()
        for update in updates_of(member):
            for entry in (*update.full_rate, *update.low_rate):
                assert entry.client_id != viewer
                assert distance(entry.client_id) <= view_range + 1e-9
            sent_full |= {entry.client_id for entry in update.full_rate}
        in_range = sorted((distance(o), o) for o in instance.members
                          if o != viewer and distance(o) <= view_range)
        if len(in_range) > full_cap:
            # Avatars strictly nearer than the cap-th one must all be at full rate.
            boundary = in_range[full_cap - 1][0]
            nearest = {o for d, o in in_range if d < boundary}
        else:
            nearest = {o for _, o in in_range}
        assert nearest <= sent_full
