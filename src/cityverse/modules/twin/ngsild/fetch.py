"""Download one remote JSON-LD @context with hard limits.

Every failure becomes `LdContextNotAvailable`: a context server that is slow, dead, too chatty
or answers with something that is not a context must cost a request at most `timeout` seconds
and `max_bytes` of memory.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError

ACCEPT_CONTEXT = "application/ld+json, application/json;q=0.9"


@dataclass(frozen=True)
class FetchedContext:
    document: dict[str, Any]
    # Seconds the server allows the copy to be reused; None when it said nothing.
    max_age: float | None


def context_not_available(url: str, reason: str) -> NgsiLdError:
    return NgsiLdError(
        ErrorKind.LdContextNotAvailable, f"the @context {url} is not available: {reason}"
    )


async def fetch_context_document(
    client: httpx.AsyncClient, url: str, *, time_limit: float, max_bytes: int
) -> FetchedContext:
    try:
        # One deadline for connect, headers and the whole body: httpx's own timeouts are
        # per read, so a server that trickles bytes would otherwise hold the request forever.
        async with asyncio.timeout(time_limit):
            body, headers = await _download(client, url, max_bytes)
    except TimeoutError:
        raise context_not_available(url, f"no complete answer within {time_limit:g} s") from None
    except httpx.HTTPError as exc:
        raise context_not_available(url, f"{type(exc).__name__}: {exc}") from exc
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise context_not_available(url, "the answer is not JSON") from None
    if not isinstance(document, dict) or "@context" not in document:
        raise context_not_available(url, "the answer is not a JSON object with an @context")
    return FetchedContext(document, cache_lifetime(headers))


async def _download(
    client: httpx.AsyncClient, url: str, max_bytes: int
) -> tuple[bytes, httpx.Headers]:
    async with client.stream("GET", url, headers={"Accept": ACCEPT_CONTEXT}) as response:
        if not response.is_success:
            raise context_not_available(url, f"the server answered HTTP {response.status_code}")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise context_not_available(url, f"it is larger than {max_bytes} bytes")
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise context_not_available(url, f"it is larger than {max_bytes} bytes")
        return bytes(body), response.headers


def cache_lifetime(headers: httpx.Headers, now: datetime | None = None) -> float | None:
    """How long a response may be reused, from Cache-Control or else Expires, as a shared
    cache reads them (RFC 9111): the broker keeps one copy for all its clients."""
    directives = {
        name.strip().lower(): value.strip().strip('"')
        for part in ",".join(headers.get_list("cache-control")).split(",")
        if part.strip()
        for name, _, value in [part.partition("=")]
    }
    if directives.keys() & {"no-store", "no-cache", "private"}:
        return 0.0
    for name in ("s-maxage", "max-age"):
        if directives.get(name, "").isdigit():
            return float(directives[name])
    expires = headers.get("expires")
    if expires is None:
        return None
    try:
        expiry = parsedate_to_datetime(expires)
    except (TypeError, ValueError):
        return 0.0  # RFC 9111 5.3: an invalid Expires means "already expired"
    if expiry.tzinfo is None:
        expiry = expiry.replace(tzinfo=UTC)
    return max(0.0, (expiry - (now or datetime.now(UTC))).total_seconds())
