"""JSON-LD @contexts for the NGSI-LD API: the shipped core context, remote contexts fetched and
cached with their expiry, and the contexts clients store through `/jsonldContexts` (clause 5.13).

PyLD loads documents synchronously, so it never touches the network here. `prepare()` first
resolves every remote context a request refers to, recursively and asynchronously (one download
per URL in flight, however many requests wait for it); PyLD then runs with a document loader
that only reads memory. The shipped files live in the `contexts/` folder beside this module.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from importlib import resources
from typing import Any

import httpx
from pyld import ContextResolver as PyLdContextResolver
from pyld import jsonld

from cityverse.modules.twin.ngsild.context_values import (
    ContextItem,
    ContextValue,
    check_context_url,
    check_user_context_document,
    context_items,
    make_references_absolute,
    referenced_urls,
)
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError
from cityverse.modules.twin.ngsild.fetch import context_not_available, fetch_context_document
from cityverse.modules.twin.ngsild.pyld_support import ProcessedContextCache

log = logging.getLogger("cityverse.twin.ngsild")

CORE_CONTEXT_URL = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"
CORE_CONTEXT_FILE = "ngsi-ld-core-context-v1.9.jsonld"
DATA_INTEGRITY_CONTEXT_URL = "https://w3id.org/security/data-integrity/v2"
CORE_CONTEXT_VERSIONS = ("1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9")
# Every spelling of the core context a client may send; all are served from the shipped file
# (the newest core context is a superset of the older ones).
CORE_CONTEXT_URLS = frozenset(
    f"{scheme}://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context{suffix}.jsonld"
    for scheme in ("https", "http")
    for suffix in ("", *(f"-v{version}" for version in CORE_CONTEXT_VERSIONS))
)
MAX_CONTEXT_DEPTH = 8  # nested remote contexts followed before giving up


class ContextKind(StrEnum):
    HOSTED = "Hosted"
    CACHED = "Cached"
    IMPLICITLY_CREATED = "ImplicitlyCreated"


def load_shipped_context(file_name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath("contexts", file_name).read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@dataclass
class StoredContext:
    url: str
    local_id: str
    kind: ContextKind
    document: dict[str, Any]  # {"@context": …}, as served
    created_at: datetime
    expires_at: datetime | None = None  # shown to clients; Cached only
    fresh_until: float | None = None  # resolver clock; None: never refetched
    number_of_hits: int = 0
    last_usage: datetime | None = None
    used_at: float = 0.0  # resolver clock, for eviction

    def info(self) -> dict[str, Any]:
        """The @context's metadata for `/jsonldContexts?details=true` (clause 5.13.3)."""
        info: dict[str, Any] = {
            "URL": self.url,
            "localId": self.local_id,
            "kind": str(self.kind),
            "createdAt": _iso(self.created_at),
        }
        if self.expires_at is not None:
            info["expiresAt"] = _iso(self.expires_at)
        if self.last_usage is not None:
            info["lastUsage"] = _iso(self.last_usage)
        info["numberOfHits"] = self.number_of_hits
        return info


class ContextResolver:
    """Resolves, caches and stores @contexts; one per application, used on the event loop."""

    def __init__(
        self,
        *,
        hosted_base_url: str = "http://localhost:8000/ngsi-ld/v1/jsonldContexts/",
        timeout: float = 3.0,
        max_bytes: int = 1_000_000,
        cache_ttl: float = 3600.0,
        failure_ttl: float = 5.0,
        max_stored: int = 1000,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`hosted_base_url` is where the API serves stored contexts; `timeout` bounds one
        download end to end; `cache_ttl` applies when the server sends no Cache-Control or
        Expires; a failed download is remembered for `failure_ttl` seconds so a dead server
        is not asked again by every request; `max_stored` bounds the Cached and
        ImplicitlyCreated contexts kept (least recently used go first)."""
        self.hosted_base_url = hosted_base_url.rstrip("/") + "/"
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.cache_ttl = cache_ttl
        self.failure_ttl = failure_ttl
        self.max_stored = max_stored
        self._client = client
        self._owns_client = client is None
        self._clock = clock
        self._by_url: dict[str, StoredContext] = {}
        self._by_local_id: dict[str, StoredContext] = {}
        self._in_flight: dict[str, asyncio.Task[StoredContext]] = {}
        self._failures: dict[str, tuple[float, NgsiLdError]] = {}  # until, what happened
        self._static: dict[str, dict[str, Any]] = {}
        self.processed = ProcessedContextCache(max_entries=512, active_contexts_per_pinned=256)
        self._preload()

    def _preload(self) -> None:
        core = load_shipped_context(CORE_CONTEXT_FILE)
        integrity = load_shipped_context("data-integrity-v2.jsonld")
        for url in CORE_CONTEXT_URLS:
            self._static[url] = core
        self._static[DATA_INTEGRITY_CONTEXT_URL] = integrity
        self.processed.pin(sorted(CORE_CONTEXT_URLS), core["@context"])
        self.processed.pin([DATA_INTEGRITY_CONTEXT_URL], integrity["@context"])
        now = datetime.now(UTC)
        for url, document in ((CORE_CONTEXT_URL, core), (DATA_INTEGRITY_CONTEXT_URL, integrity)):
            self._remember(StoredContext(url, _url_id(url), ContextKind.CACHED, document, now))

    async def aclose(self) -> None:
        downloads = list(self._in_flight.values())
        for task in downloads:
            task.cancel()
        await asyncio.gather(*downloads, return_exceptions=True)
        if self._client is not None and self._owns_client:
            await self._client.aclose()

    # Resolution -------------------------------------------------------------------------

    async def prepare(self, context: ContextValue) -> list[ContextItem]:
        """The effective @context of a request: the user's contexts, each remote one resolved
        into memory, then the core context last so that it always takes precedence
        (clauses 5.5.5 and 5.5.7). Raises NgsiLdError."""
        items = [
            item for item in context_items(context)
            if not (isinstance(item, str) and item in CORE_CONTEXT_URLS)
        ]
        self._use(self._by_url[CORE_CONTEXT_URL], self._clock())
        urls = [item for item in items if isinstance(item, str)]
        for item in items:
            if isinstance(item, dict):
                urls.extend(referenced_urls(item, base=""))
        await self._resolve_all(urls, depth=0, seen=set())
        return [*items, CORE_CONTEXT_URL]

    async def _resolve_all(self, urls: list[str], depth: int, seen: set[str]) -> None:
        pending = [url for url in dict.fromkeys(urls) if url not in seen]
        if not pending:
            return
        if depth >= MAX_CONTEXT_DEPTH:
            raise NgsiLdError(
                ErrorKind.BadRequestData,
                f"@context references are nested deeper than {MAX_CONTEXT_DEPTH} levels",
            )
        seen.update(pending)
        for url in pending:
            check_context_url(url)
        # All downloads of one level run together; the first failure is reported.
        outcomes = await asyncio.gather(
            *(self._obtain(url) for url in pending), return_exceptions=True
        )
        nested: list[str] = []
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
            nested.extend(referenced_urls(outcome.document["@context"], base=outcome.url))
        await self._resolve_all(nested, depth + 1, seen)

    async def _obtain(self, url: str) -> StoredContext:
        now = self._clock()
        if url in self._static:
            return self._use(self._by_url.get(url) or self._by_url[CORE_CONTEXT_URL], now)
        stored = self._by_url.get(url)
        if stored is not None and (stored.fresh_until is None or now < stored.fresh_until):
            return self._use(stored, now)
        if url.startswith(self.hosted_base_url):
            raise context_not_available(url, "no @context is stored under this URL")
        failure = self._failures.get(url)
        if failure is not None and now < failure[0]:
            # A new exception each time: re-raising one object would pile up tracebacks.
            raise NgsiLdError(failure[1].kind, failure[1].detail)
        task = self._in_flight.get(url)
        if task is None:
            task = asyncio.create_task(self._download(url, stale=stored))
            self._in_flight[url] = task
            task.add_done_callback(lambda done: self._download_finished(url, done))
        # Shielded: a waiter that gives up (client gone) must not cancel the others' download.
        return self._use(await asyncio.shield(task), self._clock())

    def _download_finished(self, url: str, task: asyncio.Task[StoredContext]) -> None:
        self._in_flight.pop(url, None)
        if not task.cancelled():
            task.exception()  # retrieved here, so an unawaited failure is not logged as lost

    async def _download(self, url: str, stale: StoredContext | None) -> StoredContext:
        try:
            fetched = await fetch_context_document(
                self._http(), url, time_limit=self.timeout, max_bytes=self.max_bytes
            )
            check_user_context_document(url, fetched.document)
        except NgsiLdError as error:
            if stale is not None and error.kind is ErrorKind.LdContextNotAvailable:
                # Serving the copy we have beats failing every request while its server is down.
                log.warning("refreshing @context %s failed, keeping the stale copy: %s",
                            url, error.detail)
                stale.fresh_until = self._clock() + self.failure_ttl
                return stale
            self._failures[url] = (self._clock() + self.failure_ttl, error)
            raise
        self._failures.pop(url, None)
        lifetime = self.cache_ttl if fetched.max_age is None else fetched.max_age
        return self._store_download(url, fetched.document, lifetime)

    def _store_download(self, url: str, document: dict[str, Any], lifetime: float) -> StoredContext:
        now = datetime.now(UTC)
        stored = self._by_url.get(url)
        if stored is None:
            stored = StoredContext(url, _url_id(url), ContextKind.CACHED, document, now)
            self._remember(stored)
        elif stored.document != document:
            stored.document = document
            self._forget_processed()
        stored.fresh_until = self._clock() + lifetime
        stored.expires_at = now + timedelta(seconds=lifetime)
        return stored

    def _use(self, stored: StoredContext, now: float) -> StoredContext:
        stored.number_of_hits += 1
        stored.last_usage = datetime.now(UTC)
        stored.used_at = now
        return stored

    def pyld_options(self) -> dict[str, Any]:
        """Options for one PyLD call after `prepare()`: documents come from memory only."""
        loader = self._load_from_memory
        return {
            "documentLoader": loader,
            "contextResolver": PyLdContextResolver(self.processed, loader),
            "base": None,  # keep relative IRIs as they are, so validation can reject them
        }

    def _load_from_memory(self, url: str, options: dict[str, Any]) -> dict[str, Any]:
        stored = self._by_url.get(url)
        document = self._static.get(url) or (stored.document if stored else None)
        if document is None:
            # prepare() resolves every reference it can see; anything else is not fetched.
            raise jsonld.JsonLdError(
                "@context not resolved before processing",
                "jsonld.LoadDocumentError",
                {"url": url},
                code="loading document failed",
            )
        # A copy: PyLD rewrites what it gets, and the stored document is served as it came.
        loaded = copy.deepcopy(document)
        loaded["@context"] = _without_core_context(
            make_references_absolute(loaded["@context"], url)
        )
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": loaded,
            "tag": "static",  # lets PyLD keep the processed result until we forget it
        }

    def _forget_processed(self) -> None:
        # A changed or removed context may be inside any processed result: start over
        # (the pinned core context is kept).
        self.processed.clear()

    # Storage for the /jsonldContexts registry ---------------------------------------------

    def stored_contexts(self) -> list[StoredContext]:
        return list(self._by_url.values())

    def find(self, context_id: str) -> StoredContext | None:
        """A stored context by local id, or a Cached one also by the URL it came from."""
        stored = self._by_local_id.get(context_id)
        if stored is None:
            by_url = self._by_url.get(context_id)
            if by_url is not None and by_url.kind is ContextKind.CACHED:
                stored = by_url
        return stored

    def is_built_in(self, stored: StoredContext) -> bool:
        return stored.url in self._static

    def store(self, stored: StoredContext) -> StoredContext:
        """Keep `stored` (or mark it used again), evicting the least recently used
        Cached or ImplicitlyCreated context beyond `max_stored`."""
        self._remember(stored)
        return stored

    def remove(self, stored: StoredContext) -> None:
        self._by_url.pop(stored.url, None)
        self._by_local_id.pop(stored.local_id, None)
        self._forget_processed()

    async def reload(self, url: str) -> StoredContext:
        """Download a Cached context again now, whatever its expiry; raises on failure."""
        self._failures.pop(url, None)
        return await self._download(url, stale=None)

    def _remember(self, stored: StoredContext) -> None:
        stored.used_at = self._clock()
        self._by_url[stored.url] = stored
        self._by_local_id[stored.local_id] = stored
        evictable = [
            s for s in self._by_url.values()
            if s.kind is not ContextKind.HOSTED and s.url not in self._static
        ]
        if len(evictable) > self.max_stored:
            self.remove(min(evictable, key=lambda s: s.used_at))

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # Redirects are followed, but few: each one spends the same time budget.
            self._client = httpx.AsyncClient(follow_redirects=True, max_redirects=3)
        return self._client


def _without_core_context(value: Any) -> Any:
    """A user context that lists the core context first and then redefines one of its
    protected terms would fail in JSON-LD; in NGSI-LD the core context wins wherever it is
    listed (clause 5.5.7), and prepare() always applies it last, so it is dropped here."""
    if isinstance(value, str) and value in CORE_CONTEXT_URLS:
        return {}
    if isinstance(value, list):
        return [item for item in value if not (isinstance(item, str) and item in CORE_CONTEXT_URLS)]
    return value


def _url_id(url: str) -> str:
    return "cached-" + hashlib.sha256(url.encode()).hexdigest()[:32]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
