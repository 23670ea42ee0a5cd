"""Glue between PyLD and the resolver: its context cache, and its errors as NGSI-LD errors.

PyLD keeps processed contexts in a "shared cache" (URL or canonical context text →
ResolvedContext) and, inside each ResolvedContext, the result of processing it on top of each
preceding active context. The core @context is always processed last, on top of whatever user
context a request brings, so its per-context cache must hold one result per user context in use:
PyLD's default of 10 would make the eleventh context re-process the whole core context on every
request. The core entry is therefore pinned with a larger cache.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pyld.jsonld import JsonLdError
from pyld.resolved_context import ResolvedContext

from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError

log = logging.getLogger("cityverse.twin.ngsild")
UNAVAILABLE_CODES = {"loading remote context failed", "loading document failed"}


class BoundedLru:
    """The mapping interface PyLD uses (`get`, item assignment), bounded by entry count."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Any, Any] = OrderedDict()

    def get(self, key: Any, default: Any = None) -> Any:
        if key not in self._entries:
            return default
        self._entries.move_to_end(key)
        return self._entries[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()


class ProcessedContextCache(BoundedLru):
    """PyLD's shared cache with some contexts pinned: never evicted, never cleared."""

    def __init__(self, max_entries: int, active_contexts_per_pinned: int) -> None:
        super().__init__(max_entries)
        self._pinned: dict[str, Any] = {}
        self._active_contexts_per_pinned = active_contexts_per_pinned

    def pin(self, urls: list[str], context: Any) -> None:
        """Serve `context` (the value of a document's @context) for all of `urls` from one
        ResolvedContext, so aliases of the same context share processed results."""
        resolved = ResolvedContext(context)
        resolved.cache = BoundedLru(self._active_contexts_per_pinned)
        for url in urls:
            # The shape PyLD stores for a remote context: tag → list of ResolvedContext.
            self._pinned[url] = {"static": [resolved]}

    def get(self, key: Any, default: Any = None) -> Any:
        pinned = self._pinned.get(key) if isinstance(key, str) else None
        return pinned if pinned is not None else super().get(key, default)

    def __setitem__(self, key: Any, value: Any) -> None:
        if key not in self._pinned:
            super().__setitem__(key, value)


@contextmanager
def jsonld_errors() -> Iterator[None]:
    """Run PyLD, turning its failures into NGSI-LD errors: a context it could not load is
    LdContextNotAvailable, any other JSON-LD error is bad input (clause 5.5.6)."""
    try:
        yield
    except JsonLdError as exc:
        innermost = _innermost_coded(exc)
        if innermost.code in UNAVAILABLE_CODES:
            url = (innermost.details or {}).get("url", "a remote @context")
            raise NgsiLdError(
                ErrorKind.LdContextNotAvailable, f"the @context {url} is not available"
            ) from exc
        raise NgsiLdError(
            ErrorKind.BadRequestData,
            f"JSON-LD processing failed ({innermost.code}): {innermost.args[0]}",
        ) from exc
    except RecursionError:
        raise NgsiLdError(ErrorKind.BadRequestData, "the document is nested too deeply") from None
    except NgsiLdError:
        raise
    except Exception as exc:
        # PyLD reports some bad input (e.g. an IRI it cannot resolve) with plain exceptions;
        # bad input is still the client's 400, but log it in case it is a PyLD bug.
        log.warning("PyLD failed with %s", type(exc).__name__, exc_info=True)
        raise NgsiLdError(
            ErrorKind.BadRequestData, f"JSON-LD processing failed: {exc}"
        ) from exc


def _innermost_coded(exc: JsonLdError) -> JsonLdError:
    # PyLD wraps the precise error (e.g. "protected term redefinition") in generic ones.
    found = exc
    cause = exc.__cause__
    while cause is not None:
        if isinstance(cause, JsonLdError) and cause.code:
            found = cause
        cause = cause.__cause__
    return found
