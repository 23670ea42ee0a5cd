"""The operations behind `/ngsi-ld/v1/jsonldContexts` (clause 5.13): list, serve, add and
delete the @contexts the resolver holds. Plain methods; the router maps them to HTTP.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from pyld import jsonld

from cityverse.modules.twin.ngsild.context_values import ContextValue
from cityverse.modules.twin.ngsild.contexts import ContextKind, ContextResolver, StoredContext
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError
from cityverse.modules.twin.ngsild.pyld_support import jsonld_errors


class ContextRegistry:
    def __init__(self, resolver: ContextResolver) -> None:
        self.resolver = resolver

    def list_context_urls(self, kind: ContextKind | None = None) -> list[str]:
        """Clause 5.13.3 without details: for Cached contexts, the URL they came from."""
        return [stored.url for stored in self._listed(kind)]

    def list_context_details(self, kind: ContextKind | None = None) -> list[dict[str, Any]]:
        return [stored.info() for stored in self._listed(kind)]

    def context_details(self, context_id: str) -> dict[str, Any]:
        return self._find(context_id).info()

    def serve_context(self, context_id: str) -> dict[str, Any]:
        """The content of a Hosted or ImplicitlyCreated context (clause 5.13.4); a Cached
        one is only described, its content belongs to the server it came from."""
        stored = self._find(context_id)
        if stored.kind is ContextKind.CACHED:
            raise NgsiLdError(
                ErrorKind.OperationNotSupported,
                f"{stored.url} is a cached copy of a remote @context; fetch it from its URL "
                "or ask for details=true",
            )
        return copy.deepcopy(stored.document)

    async def add_hosted_context(self, document: Any) -> StoredContext:
        """Store a client's @context and serve it under a local URL (clause 5.13.2); the
        answer's Location header is the returned context's `url`."""
        if not isinstance(document, dict) or set(document) != {"@context"}:
            raise NgsiLdError(
                ErrorKind.BadRequestData, "the body must be a JSON object with only an @context"
            )
        await self.check_processable(document["@context"])
        local_id = uuid.uuid4().hex
        return self.resolver.store(StoredContext(
            self.resolver.hosted_base_url + local_id, local_id, ContextKind.HOSTED,
            copy.deepcopy(document), datetime.now(UTC),
        ))

    def add_implicit_context(self, context: ContextValue) -> StoredContext:
        """A local URL for an inline @context, so an `application/json` answer can link to
        the context the request carried (kind ImplicitlyCreated). Same content, same URL."""
        canonical = json.dumps(context, sort_keys=True, separators=(",", ":"))
        local_id = "implicit-" + hashlib.sha256(canonical.encode()).hexdigest()[:32]
        stored = self.resolver.find(local_id) or StoredContext(
            self.resolver.hosted_base_url + local_id, local_id, ContextKind.IMPLICITLY_CREATED,
            {"@context": copy.deepcopy(context)}, datetime.now(UTC),
        )
        return self.resolver.store(stored)

    async def delete_context(self, context_id: str, *, reload: bool = False) -> None:
        """Remove a stored context, or with `reload` replace a Cached one by a fresh download
        (clause 5.13.5). When that download fails the old copy stays."""
        stored = self._find(context_id)
        if self.resolver.is_built_in(stored):
            raise NgsiLdError(
                ErrorKind.BadRequestData, f"{stored.url} is built in and cannot be deleted"
            )
        if not reload:
            self.resolver.remove(stored)
        elif stored.kind is ContextKind.CACHED:
            await self.resolver.reload(stored.url)
        else:
            raise NgsiLdError(
                ErrorKind.BadRequestData,
                f"reload applies to Cached @contexts only; {stored.url} is {stored.kind}",
            )

    async def check_processable(self, context: ContextValue) -> None:
        """BadRequestData (or LdContextNotAvailable) unless the context processes cleanly."""
        effective = await self.resolver.prepare(context)
        with jsonld_errors():
            jsonld.expand({"@context": effective}, self.resolver.pyld_options())

    def _listed(self, kind: ContextKind | None) -> list[StoredContext]:
        return [s for s in self.resolver.stored_contexts() if kind is None or s.kind is kind]

    def _find(self, context_id: str) -> StoredContext:
        stored = self.resolver.find(context_id)
        if stored is None:
            raise NgsiLdError(
                ErrorKind.ResourceNotFound, f"no @context {context_id!r} is stored",
                instance=context_id,
            )
        return stored
