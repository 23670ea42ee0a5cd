"""NGSI-LD (ETSI GS CIM 009 v1.8.1) building blocks of the city digital twin: ProblemDetails
errors, @context resolution that never blocks on the network, and entity expansion and
compaction. No routes here; the twin router composes these.
"""

from cityverse.modules.twin.ngsild.contexts import (
    CORE_CONTEXT_URL,
    CORE_CONTEXT_URLS,
    ContextKind,
    ContextResolver,
    StoredContext,
)
from cityverse.modules.twin.ngsild.errors import (
    ErrorKind,
    MediaTypeError,
    NgsiLdError,
    error_from_validation,
    media_type_response,
    parse_json_body,
    problem_response,
    unauthorized,
    validate_json_body,
)
from cityverse.modules.twin.ngsild.jsonld import (
    compact_entity,
    entity_context,
    expand_entity,
    expand_terms,
)
from cityverse.modules.twin.ngsild.negotiation import (
    GEO_JSON,
    JSON,
    LD_JSON,
    MERGE_PATCH_JSON,
    context_link_header,
    parse_link_header,
    request_media_type,
    response_media_type,
)
from cityverse.modules.twin.ngsild.registry import ContextRegistry

__all__ = [
    "CORE_CONTEXT_URL",
    "CORE_CONTEXT_URLS",
    "GEO_JSON",
    "JSON",
    "LD_JSON",
    "MERGE_PATCH_JSON",
    "ContextKind",
    "ContextRegistry",
    "ContextResolver",
    "ErrorKind",
    "MediaTypeError",
    "NgsiLdError",
    "StoredContext",
    "compact_entity",
    "context_link_header",
    "entity_context",
    "error_from_validation",
    "expand_entity",
    "expand_terms",
    "media_type_response",
    "parse_json_body",
    "parse_link_header",
    "problem_response",
    "request_media_type",
    "response_media_type",
    "unauthorized",
    "validate_json_body",
]
