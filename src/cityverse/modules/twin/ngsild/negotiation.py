"""HTTP headers of the NGSI-LD binding: Content-Type and Accept negotiation (clause 6.3.4) and
the JSON-LD context `Link` header (clause 6.3.5, JSON-LD 1.1 API section 6.2).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cityverse.modules.twin.ngsild.context_values import check_context_url
from cityverse.modules.twin.ngsild.errors import (
    ErrorKind,
    NgsiLdError,
    not_acceptable,
    unsupported_media_type,
)

JSON = "application/json"
LD_JSON = "application/ld+json"
GEO_JSON = "application/geo+json"
MERGE_PATCH_JSON = "application/merge-patch+json"
JSON_LD_CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"

_TCHARS = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_LINK_TARGET = re.compile(r"\s*<([^<>]*)>\s*")
# Unquoted values are allowed to hold "/" (type=application/ld+json), as clients send them.
_PARAMETER = re.compile(rf';\s*({_TCHARS})\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^\s;,"]+))?\s*')


def request_media_type(content_type: str | None, *, merge_patch: bool = False) -> str:
    """The media type of a request body: JSON or JSON-LD, and for PATCH also JSON Merge Patch,
    which counts as JSON. Anything else is 415."""
    media_type = _bare_media_type(content_type or "")
    if media_type in (JSON, LD_JSON):
        return media_type
    if merge_patch and media_type == MERGE_PATCH_JSON:
        return JSON
    raise unsupported_media_type(content_type or "")


def response_media_type(accept: str | None, *, geojson: bool = False) -> str:
    """The representation to answer with (clause 6.3.4): the Accept entry with the highest
    weight, ties going to JSON, then JSON-LD, then GeoJSON (only where `geojson` is allowed).
    No Accept means JSON; nothing acceptable is 406."""
    if accept is None or not accept.strip():
        return JSON
    offered = [JSON, LD_JSON, GEO_JSON] if geojson else [JSON, LD_JSON]
    ranges = _media_ranges(accept)
    weights = [_weight(candidate, ranges) for candidate in offered]
    best = max(weights)
    if best <= 0:
        raise not_acceptable(accept)
    return offered[weights.index(best)]


def parse_link_header(values: str | Sequence[str] | None) -> str | None:
    """The JSON-LD context URL of a request's `Link` header(s), or None when it names none.

    Links with other relations are ignored; more than one context link, a type other than
    JSON-LD or a URL that is not absolute is BadRequestData; a header that does not parse is
    InvalidRequest.
    """
    if values is None:
        return None
    header = values if isinstance(values, str) else ",".join(values)
    contexts: list[str] = []
    for target, parameters in _link_values(header):
        relations = parameters.get("rel", "").lower().split()
        if JSON_LD_CONTEXT_REL not in relations:
            continue
        link_type = parameters.get("type")
        if link_type is not None and _bare_media_type(link_type) != LD_JSON:
            raise NgsiLdError(
                ErrorKind.BadRequestData,
                f'the JSON-LD context Link must have type="{LD_JSON}", not {link_type!r}',
            )
        contexts.append(target)
    if len(contexts) > 1:
        raise NgsiLdError(
            ErrorKind.BadRequestData, "the request has more than one JSON-LD context Link"
        )
    if not contexts:
        return None
    check_context_url(contexts[0])
    return contexts[0]


def context_link_header(url: str) -> str:
    """The `Link` header value that points an `application/json` answer at its @context."""
    return f'<{url}>; rel="{JSON_LD_CONTEXT_REL}"; type="{LD_JSON}"'


def _link_values(header: str) -> list[tuple[str, dict[str, str]]]:
    """RFC 8288 link-values: `<target>` followed by `; name=value` parameters."""
    links: list[tuple[str, dict[str, str]]] = []
    position = 0
    while position < len(header):
        target = _LINK_TARGET.match(header, position)
        if target is None:
            raise _malformed_link(header)
        position = target.end()
        parameters: dict[str, str] = {}
        while (parameter := _PARAMETER.match(header, position)) is not None:
            name, value = parameter.group(1).lower(), parameter.group(2) or ""
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            # RFC 8288 3.3: only the first occurrence of a parameter counts.
            parameters.setdefault(name, value)
            position = parameter.end()
        if position < len(header):
            if header[position] != ",":
                raise _malformed_link(header)
            position += 1
        links.append((target.group(1).strip(), parameters))
    return links


def _malformed_link(header: str) -> NgsiLdError:
    return NgsiLdError(
        ErrorKind.InvalidRequest,
        f"the Link header {header!r} is malformed; expected "
        f'<URL>; rel="{JSON_LD_CONTEXT_REL}"; type="{LD_JSON}"',
    )


def _bare_media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def _media_ranges(accept: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media_range, *parameters = (piece.strip() for piece in part.split(";"))
        if not media_range:
            continue
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    weight = 0.0
        ranges.append((media_range.lower(), weight))
    return ranges


def _weight(candidate: str, ranges: list[tuple[str, float]]) -> float:
    """The weight of the most specific range matching `candidate` (RFC 9110 12.5.1)."""
    main_type = candidate.split("/", 1)[0]
    best_specificity, weight = -1, 0.0
    for media_range, range_weight in ranges:
        if media_range == candidate:
            specificity = 2
        elif media_range == f"{main_type}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, weight = specificity, range_weight
    return weight
