"""Per-client outgoing queue with back-pressure.

Producers (the tick loop, chat fan-out) call the non-blocking ``put_*`` methods and never wait
for a slow socket. Pose-like frames are keyed by subject: a newer frame replaces the unsent one,
so a slow client skips stale states instead of falling further behind. Ordered frames (chat,
system) are never dropped; if they cannot fit, or the backlog stays above the lag threshold for
too long, the queue flags the client for disconnection with a reason.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass


class QueueClosed(Exception):
    """Raised by ``get`` once the queue is closed and drained."""


@dataclass(frozen=True, slots=True)
class SendQueueLimits:
    max_bytes: int = 512 * 1024
    max_messages: int = 2_000
    # Backlog above this many bytes counts as "not keeping up"...
    lag_bytes: int = 64 * 1024
    # ...and a client that stays behind this long is disconnected.
    lag_seconds: float = 5.0


class DisconnectReason:
    OVERFLOW = "send queue overflow"
    TOO_SLOW = "client too slow"


_ORDERED = object()


class SendQueue:
    def __init__(
        self,
        limits: SendQueueLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits or SendQueueLimits()
        self._clock = clock
        # Each slot is either (_ORDERED, frame) or (key, None) with the latest frame in _latest.
        self._slots: deque[tuple[object, bytes | None]] = deque()
        self._latest: dict[Hashable, bytes] = {}
        self._bytes = 0
        self._ready = asyncio.Event()
        self._closed = False
        self._behind_since: float | None = None
        self.disconnect_reason: str | None = None
        self.replaced = 0

    def __len__(self) -> int:
        return len(self._slots)

    @property
    def queued_bytes(self) -> int:
        return self._bytes

    @property
    def should_disconnect(self) -> bool:
        return self.disconnect_reason is not None

    def put_latest(self, subject: Hashable, frame: bytes) -> bool:
        """Queue ``frame`` as the newest state of ``subject``, replacing an unsent older one."""
        if self._closed or self.should_disconnect:
            return False
        stale = self._latest.get(subject)
        if stale is not None:
            self._latest[subject] = frame
            self._bytes += len(frame) - len(stale)
            self.replaced += 1
        elif not self._fits(len(frame)):
            return self._overflow()
        else:
            self._latest[subject] = frame
            self._slots.append((subject, None))
            self._bytes += len(frame)
        self._after_put()
        return True

    def put_ordered(self, frame: bytes) -> bool:
        """Queue a frame that must arrive, in order (chat, system messages)."""
        if self._closed or self.should_disconnect:
            return False
        if not self._fits(len(frame)):
            return self._overflow()
        self._slots.append((_ORDERED, frame))
        self._bytes += len(frame)
        self._after_put()
        return True

    def _fits(self, size: int) -> bool:
        limits = self.limits
        return len(self._slots) < limits.max_messages and self._bytes + size <= limits.max_bytes

    def _overflow(self) -> bool:
        self.flag_disconnect(DisconnectReason.OVERFLOW)
        return False

    def _after_put(self) -> None:
        self._ready.set()
        self.check_lag()

    def check_lag(self) -> None:
        """Flag the client when its backlog has stayed above ``lag_bytes`` for ``lag_seconds``;
        the tick loop calls this too, so a client that stops reading is caught without puts."""
        now = self._clock()
        if self._bytes <= self.limits.lag_bytes:
            self._behind_since = None
        elif self._behind_since is None:
            self._behind_since = now
        elif now - self._behind_since >= self.limits.lag_seconds:
            self.flag_disconnect(DisconnectReason.TOO_SLOW)

    def flag_disconnect(self, reason: str) -> None:
        if self.disconnect_reason is None:
            self.disconnect_reason = reason
        # Wake the writer so it can notice the flag and close the socket.
        self._ready.set()

    def close(self) -> None:
        self._closed = True
        self._ready.set()

    def get_nowait(self) -> bytes | None:
        if not self._slots:
            return None
        key, frame = self._slots.popleft()
        if frame is None:
            frame = self._latest.pop(key)
        self._bytes -= len(frame)
        if not self._slots:
            self._ready.clear()
        self.check_lag()
        return frame

    async def get(self) -> bytes:
        """Next frame to write; raises ``QueueClosed`` when closed and drained, or at once when
        the client is flagged (the writer then closes with ``disconnect_reason``)."""
        while True:
            if self.should_disconnect:
                raise QueueClosed(self.disconnect_reason)
            frame = self.get_nowait()
            if frame is not None:
                return frame
            if self._closed:
                raise QueueClosed
            self._ready.clear()
            await self._ready.wait()
