"""Expansion and compaction of names (entity types and attribute names) against a request's
@context, cached per context.

The broker keeps entities with fully qualified attribute names and types but NGSI-LD values
as sent (clause 5.5.7 expands names; values of Properties are opaque to it). Running a whole
JSON-LD expansion for every request would cost more than the rest of the request together, so
names are expanded once per (context, name) and looked up afterwards.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable

from pyld import jsonld

from cityverse.modules.twin.ngsild.context_values import ContextValue
from cityverse.modules.twin.ngsild.contexts import ContextResolver
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError
from cityverse.modules.twin.ngsild.pyld_support import jsonld_errors

# Names of the NGSI-LD data model itself; they are never expanded (clause 4.5 and Annex B).
ENTITY_MEMBERS = frozenset({
    "id", "type", "scope", "createdAt", "modifiedAt", "deletedAt", "@context",
})
ATTRIBUTE_MEMBERS = frozenset({
    "type", "value", "object", "objectType", "objectList", "languageMap", "valueList", "json",
    "vocab", "datasetId", "observedAt", "unitCode", "createdAt", "modifiedAt", "deletedAt",
    "instanceId", "previousValue", "previousObject", "previousLanguageMap",
    "previousValueList", "previousJson", "previousVocab", "entityList",
})
_MAX_CACHED_CONTEXTS = 256


class TermMap:
    """Short name ↔ IRI for one effective @context, filled lazily."""

    def __init__(self, resolver: ContextResolver, context: ContextValue) -> None:
        self._resolver = resolver
        self._context = context
        self._iri: dict[str, str] = {}
        self._term: dict[str, str] = {}

    async def expand(self, names: Iterable[str]) -> list[str]:
        wanted = list(names)
        missing = [name for name in dict.fromkeys(wanted) if name not in self._iri]
        if missing:
            effective = await self._resolver.prepare(self._context)
            with jsonld_errors():
                # Types and attribute names both expand against the vocabulary mapping.
                expanded = jsonld.expand(
                    {"@context": effective, "@type": missing}, self._resolver.pyld_options()
                )
            iris: list[str] = expanded[0]["@type"] if expanded else []
            if len(iris) != len(missing):
                raise NgsiLdError(ErrorKind.BadRequestData, f"cannot expand the names {missing}")
            for name, iri in zip(missing, iris, strict=True):
                if "://" not in iri and not iri.startswith("urn:"):
                    raise NgsiLdError(
                        ErrorKind.BadRequestData,
                        f"the name {name!r} does not expand to an IRI with this @context",
                    )
                self._iri[name] = iri
        return [self._iri[name] for name in wanted]

    async def expand_one(self, name: str) -> str:
        return (await self.expand([name]))[0]

    async def compact(self, iris: Iterable[str]) -> list[str]:
        wanted = list(iris)
        missing = [iri for iri in dict.fromkeys(wanted) if iri not in self._term]
        if missing:
            effective = await self._resolver.prepare(self._context)
            options = {**self._resolver.pyld_options(), "skipExpansion": True}
            with jsonld_errors():
                compacted = jsonld.compact(
                    [{"@type": missing}], {"@context": effective}, options
                )
            terms = compacted.get("type", compacted.get("@type", []))
            terms = terms if isinstance(terms, list) else [terms]
            if len(terms) != len(missing):
                terms = missing
            self._term.update(zip(missing, terms, strict=True))
        return [self._term[iri] for iri in wanted]


class TermMaps:
    """One TermMap per distinct @context, least recently used dropped first."""

    def __init__(self, resolver: ContextResolver) -> None:
        self._resolver = resolver
        self._maps: OrderedDict[str, TermMap] = OrderedDict()

    def for_context(self, context: ContextValue) -> TermMap:
        key = json.dumps(context, sort_keys=True)
        found = self._maps.get(key)
        if found is None:
            found = TermMap(self._resolver, context)
            self._maps[key] = found
            if len(self._maps) > _MAX_CACHED_CONTEXTS:
                self._maps.popitem(last=False)
        else:
            self._maps.move_to_end(key)
        return found
