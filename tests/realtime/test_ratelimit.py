"""Token buckets per client and message type, driven by a fake clock."""

from __future__ import annotations

import pytest

from cityverse.realtime.protocol import MessageType
from cityverse.realtime.ratelimit import Limit, RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_chat_allows_a_burst_of_five_then_two_per_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    assert [limiter.allow(1, MessageType.CHAT) for _ in range(6)] == [True] * 5 + [False]
    clock.now += 0.5
    assert limiter.allow(1, MessageType.CHAT)
    assert not limiter.allow(1, MessageType.CHAT)
    clock.now += 100  # refill caps at the burst
    assert sum(limiter.allow(1, MessageType.CHAT) for _ in range(10)) == 5


def test_pose_sustains_thirty_per_second_but_not_more() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    allowed = 0
    for _ in range(10 * 60):  # 60 Hz for ten seconds
        clock.now += 1 / 60
        allowed += limiter.allow(1, MessageType.POSE)
    assert 300 <= allowed <= 330


def test_clients_and_types_have_separate_buckets() -> None:
    clock = FakeClock()
    limiter = RateLimiter({MessageType.INTERACT: Limit(1, 1)}, clock=clock)
    assert limiter.allow(1, MessageType.INTERACT)
    assert not limiter.allow(1, MessageType.INTERACT)
    assert limiter.allow(2, MessageType.INTERACT)
    # Types without a configured limit fall back to a strict one.
    assert limiter.allow(1, MessageType.WORLD_UPDATE)
    assert not limiter.allow(1, MessageType.WORLD_UPDATE)


def test_forget_resets_a_client_and_a_clock_going_backwards_adds_nothing() -> None:
    clock = FakeClock()
    limiter = RateLimiter({MessageType.EMOTE: Limit(1, 1)}, clock=clock)
    assert limiter.allow(1, MessageType.EMOTE)
    clock.now -= 50
    assert not limiter.allow(1, MessageType.EMOTE)
    limiter.forget(1)
    assert limiter.allow(1, MessageType.EMOTE)


def test_invalid_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        Limit(0, 1)
    with pytest.raises(ValueError):
        Limit(1, 0.5)
