"""In-process sliding-window rate limits for write paths (sign-in, registration, submissions).

Per process: with several workers each has its own window, which only makes limits looser by
the worker count — acceptable for abuse damping; the account lockout itself lives in the DB.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque

from fastapi import Request

from cityverse.core.errors import AppError


class RateLimiter:
    instances: list[RateLimiter] = []  # noqa: RUF012 - a registry, so tests can reset them all

    def __init__(self, name: str, limit: int, window_seconds: float) -> None:
        self.name = name
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        RateLimiter.instances.append(self)

    def hit(self, key: str) -> None:
        now = time.monotonic()
        hits = self._hits[key]
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            retry = max(1, int(hits[0] + self.window - now) + 1)
            raise AppError(
                429, "rate_limited", retry_after=retry, headers={"Retry-After": str(retry)}
            )
        hits.append(now)
        if len(self._hits) > 10_000:  # bound memory under a spray of distinct keys
            self._hits = defaultdict(deque, {k: v for k, v in self._hits.items() if v})

    def check_request(self, request: Request) -> None:
        self.hit(request.client.host if request.client else "unknown")

    def reset(self) -> None:
        self._hits.clear()
