"""Settings of the world server and the rules of one space, as the server sees them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from cityverse.realtime.aoi import DEFAULT_CELL_SIZE, DEFAULT_FULL_RATE_CAP, DEFAULT_VIEW_RANGE
from cityverse.realtime.protocol import MessageType
from cityverse.realtime.ratelimit import DEFAULT_LIMITS, Limit
from cityverse.realtime.sendqueue import SendQueueLimits


@dataclass(frozen=True)
class WorldConfig:
    tick_hz: int = 15
    full_rate_cap: int = DEFAULT_FULL_RATE_CAP
    # Beyond the full-rate avatars, at most this many more (nearest first) at low rate: a hall
    # of 2,000 people shows the nearest few hundred, which is all a screen can draw anyway.
    low_rate_cap: int = 200
    view_range_m: float = DEFAULT_VIEW_RANGE
    cell_size_m: float = DEFAULT_CELL_SIZE
    low_rate_every: int = 5
    resume_seconds: float = 30.0
    hello_timeout_seconds: float = 10.0
    # A socket write that has not finished after this long means the client stopped reading.
    writer_stall_seconds: float = 5.0
    queue_limits: SendQueueLimits = field(default_factory=SendQueueLimits)
    rate_limits: Mapping[MessageType, Limit] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    # A client that keeps sending over its limits after this many refusals is disconnected.
    max_rate_violations: int = 50
    banned_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpaceRules:
    """What the world server needs to know about a space; the app looks it up for each join."""

    key: str
    capacity_per_instance: int
    allow_guests: bool
    guests_can_chat: bool
    host_user_ids: frozenset[int] = frozenset()
    # Booth and product keys a client may interact with.
    targets: frozenset[str] = frozenset()
    # Where new avatars appear (metres).
    spawn: tuple[float, float, float] = (0.0, 0.0, 0.0)
    # Invitation-only spaces (negotiation rooms): every join names a private instance in its
    # hint, and the server asks the invitation lookup whether this person is invited to it.
    invite_only: bool = False


SpaceRulesLookup = Callable[[str], Awaitable[SpaceRules | None]]
# (space key, instance hint, user id) → may this person enter that private instance now?
InvitationLookup = Callable[[str, str, int], Awaitable[bool]]


def rules_from_mapping(rules: Mapping[str, SpaceRules]) -> SpaceRulesLookup:
    """A lookup over fixed rules (benchmarks and tests of the server alone)."""

    async def lookup(key: str) -> SpaceRules | None:
        return rules.get(key)

    return lookup
