"""Token-bucket rate limits per client and message type for the world server."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cityverse.realtime.protocol import MessageType


@dataclass(frozen=True, slots=True)
class Limit:
    per_second: float
    burst: float

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError("a limit needs per_second > 0 and burst >= 1")


DEFAULT_LIMITS: Mapping[MessageType, Limit] = {
    MessageType.HELLO: Limit(1, 3),
    MessageType.LEAVE: Limit(1, 2),
    # Clients send poses at up to 20 Hz; the headroom absorbs network jitter bunching them.
    MessageType.POSE: Limit(30, 30),
    MessageType.ACK: Limit(30, 30),
    MessageType.CHAT: Limit(2, 5),
    MessageType.EMOTE: Limit(2, 4),
    MessageType.INTERACT: Limit(5, 5),
    MessageType.MODERATION: Limit(2, 10),
}
# Types a client has no reason to send (welcome, world update, error) get almost nothing.
FALLBACK_LIMIT = Limit(0.2, 1)


class _Bucket:
    __slots__ = ("tokens", "updated")

    def __init__(self, tokens: float, updated: float) -> None:
        self.tokens = tokens
        self.updated = updated


class RateLimiter:
    def __init__(
        self,
        limits: Mapping[MessageType, Limit] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = dict(DEFAULT_LIMITS if limits is None else limits)
        self._clock = clock
        self._buckets: dict[tuple[int, MessageType], _Bucket] = {}

    def allow(self, client_id: int, message_type: MessageType) -> bool:
        """Take one token from the client's bucket for this type; False when it is empty."""
        limit = self.limits.get(message_type, FALLBACK_LIMIT)
        now = self._clock()
        key = (client_id, message_type)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(limit.burst, now)
        else:
            elapsed = max(now - bucket.updated, 0.0)
            bucket.tokens = min(limit.burst, bucket.tokens + elapsed * limit.per_second)
            bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return True
        return False

    def forget(self, client_id: int) -> None:
        """Drop a departed client's buckets (a resumed session keeps them)."""
        for key in [k for k in self._buckets if k[0] == client_id]:
            del self._buckets[key]
