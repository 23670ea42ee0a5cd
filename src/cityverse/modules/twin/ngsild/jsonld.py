"""Expansion and compaction of NGSI-LD entities with PyLD (clauses 5.5.7 and 6.3.5).

Where a request's @context comes from depends on its media type: `application/json` bodies
take it from the `Link` header and must not carry one inline; `application/ld+json` bodies
carry it inline and must not come with a `Link` header. The core @context is always applied
last. Every function here raises `NgsiLdError`, never a PyLD error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pyld import jsonld

from cityverse.modules.twin.ngsild.context_values import ContextValue
from cityverse.modules.twin.ngsild.contexts import ContextResolver
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError
from cityverse.modules.twin.ngsild.negotiation import JSON, LD_JSON
from cityverse.modules.twin.ngsild.pyld_support import jsonld_errors

# Deep enough for any GeoJSON geometry inside a nested Property, shallow enough that PyLD's
# recursion never reaches Python's limit.
MAX_NESTING = 64


def entity_context(
    document: Any, *, media_type: str, link_context: str | None
) -> ContextValue:
    """The user @context of a request body (clause 6.3.5); None means the core context only."""
    inline = isinstance(document, dict) and "@context" in document
    if media_type == LD_JSON:
        if link_context is not None:
            raise NgsiLdError(
                ErrorKind.BadRequestData,
                "an application/ld+json body carries its @context inline; "
                "a JSON-LD context Link header is not allowed with it",
            )
        if not inline:
            raise NgsiLdError(
                ErrorKind.BadRequestData, "an application/ld+json body must contain an @context"
            )
        value: ContextValue = document["@context"]
        return value
    if media_type != JSON:
        raise ValueError(f"not a request media type of NGSI-LD: {media_type}")
    if inline:
        raise NgsiLdError(
            ErrorKind.BadRequestData,
            "an application/json body must not contain an @context; "
            "send it in a Link header or use application/ld+json",
        )
    return link_context


async def expand_entity(
    resolver: ContextResolver,
    document: Any,
    *,
    media_type: str = JSON,
    link_context: str | None = None,
) -> dict[str, Any]:
    """The expanded form of one NGSI-LD entity (or entity fragment) from a request body."""
    if not isinstance(document, dict):
        raise NgsiLdError(ErrorKind.BadRequestData, "an entity must be a JSON object")
    context = entity_context(document, media_type=media_type, link_context=link_context)
    check_document_shape(document)
    effective = await resolver.prepare(context)
    with jsonld_errors():
        expanded = jsonld.expand({**document, "@context": effective}, resolver.pyld_options())
    if len(expanded) > 1:
        raise NgsiLdError(ErrorKind.BadRequestData, "the body describes more than one entity")
    return dict(expanded[0]) if expanded else {}


async def compact_entity(
    resolver: ContextResolver, expanded: dict[str, Any], context: ContextValue
) -> dict[str, Any]:
    """The entity in short terms of `context` (plus the core context), with an "@context"
    member naming them; an `application/json` answer moves it to a Link header."""
    effective = await resolver.prepare(context)
    options = {**resolver.pyld_options(), "skipExpansion": True}
    with jsonld_errors():
        compacted: dict[str, Any] = jsonld.compact(expanded, {"@context": effective}, options)
    return compacted


async def expand_terms(
    resolver: ContextResolver, terms: Iterable[str], context: ContextValue
) -> list[str]:
    """Fully qualified names of type or attribute names, e.g. from query parameters."""
    names = list(terms)
    if not names:
        return []
    effective = await resolver.prepare(context)
    with jsonld_errors():
        # Types and property names both expand against the vocabulary mapping.
        expanded = jsonld.expand({"@context": effective, "@type": names}, resolver.pyld_options())
    expanded_names: list[str] = expanded[0]["@type"] if expanded else []
    if len(expanded_names) != len(names):
        raise NgsiLdError(ErrorKind.BadRequestData, f"cannot expand the names {names}")
    return expanded_names


def check_document_shape(document: dict[str, Any]) -> None:
    """NGSI-LD limits PyLD does not check: no @context below the top level (clause 5.5.7)
    and bounded nesting. The `json` member of a JsonProperty is opaque and not inspected."""
    pending: list[tuple[Any, int, bool]] = [
        (value, 1, False) for key, value in document.items() if key != "@context"
    ]
    while pending:
        value, depth, opaque = pending.pop()
        if depth > MAX_NESTING:
            raise NgsiLdError(
                ErrorKind.BadRequestData, f"the body is nested deeper than {MAX_NESTING} levels"
            )
        if isinstance(value, dict):
            if "@context" in value and not opaque:
                raise NgsiLdError(
                    ErrorKind.BadRequestData,
                    "an @context is only allowed at the top level of an NGSI-LD document",
                )
            pending.extend(
                (member, depth + 1, opaque or key == "json") for key, member in value.items()
            )
        elif isinstance(value, list):
            pending.extend((member, depth + 1, opaque) for member in value)
