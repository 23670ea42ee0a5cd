"""The HTTP binding of NGSI-LD shared by the twin's routes (clause 6): the route class that
answers NgsiLdError as ProblemDetails, tenants, request bodies with their @context, and answers
in JSON (context in a Link header), JSON-LD (context inline) or GeoJSON."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from cityverse.core.http import TransactionalRoute
from cityverse.modules.twin import changes
from cityverse.modules.twin.ngsild import (
    CORE_CONTEXT_URL,
    GEO_JSON,
    LD_JSON,
    ContextResolver,
    MediaTypeError,
    NgsiLdError,
    context_link_header,
    entity_context,
    media_type_response,
    parse_json_body,
    parse_link_header,
    problem_response,
    request_media_type,
    response_media_type,
)
from cityverse.modules.twin.ngsild.context_values import ContextValue
from cityverse.modules.twin.ngsild.errors import ErrorKind
from cityverse.modules.twin.ngsild.terms import TermMap, TermMaps

log = logging.getLogger("cityverse.twin")
TENANT_HEADER = "NGSILD-Tenant"
_TENANT = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
MAX_BODY_BYTES = 2_000_000


class NgsiLdRoute(TransactionalRoute):
    """Routes of the NGSI-LD API: failures are ProblemDetails (the transaction is rolled
    back by the base class before the error is rendered)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                with changes.collecting() as pending:
                    response = await handler(request)
            except NgsiLdError as exc:
                log.info("ngsi-ld request refused: %s %s: %s", request.method,
                         request.url.path, exc)
                return problem_response(exc)
            except MediaTypeError as exc:
                return media_type_response(exc)
            if response.status_code < 400:  # committed: tell subscribers
                for callback in pending.after_commit:
                    await callback()
                notifier = getattr(request.app.state, "twin_notifier", None)
                if notifier is not None and pending.changes:
                    notifier.publish(pending.changes)
            return response

        return run


@dataclass
class Call:
    """What every NGSI-LD request carries besides its body."""

    tenant: str
    link_context: str | None
    resolver: ContextResolver
    term_maps: TermMaps

    def terms(self, context: ContextValue | None = None) -> TermMap:
        return self.term_maps.for_context(context if context is not None else self.link_context)


def call_of(request: Request) -> Call:
    raw_tenant = request.headers.get(TENANT_HEADER)
    tenant = ""
    if raw_tenant is not None:
        if not _TENANT.match(raw_tenant):
            raise NgsiLdError(ErrorKind.BadRequestData,
                              f"{TENANT_HEADER} must be 1–64 letters, digits, - or _")
        tenant = raw_tenant
    state = request.app.state
    return Call(
        tenant=tenant,
        link_context=parse_link_header(request.headers.getlist("link") or None),
        resolver=state.ngsild_resolver,
        term_maps=state.ngsild_terms,
    )


@dataclass
class Body:
    document: Any
    context: ContextValue
    media_type: str


async def read_body(request: Request, call: Call, *, merge_patch: bool = False) -> Body:
    media_type = request_media_type(request.headers.get("content-type"), merge_patch=merge_patch)
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise NgsiLdError(ErrorKind.BadRequestData, "the request body is larger than 2 MB")
    document = parse_json_body(raw)
    if isinstance(document, list):
        contexts = {
            repr(entity_context(item, media_type=media_type, link_context=call.link_context))
            for item in document if isinstance(item, dict)
        }
        first = document[0] if document and isinstance(document[0], dict) else {}
        context = entity_context(first, media_type=media_type, link_context=call.link_context) \
            if len(contexts) <= 1 else None
        if len(contexts) > 1:
            raise NgsiLdError(ErrorKind.BadRequestData,
                              "all entities of one batch must use the same @context")
        return Body(document, context, media_type)
    context = entity_context(document, media_type=media_type, link_context=call.link_context)
    return Body(document, context, media_type)


def answer(
    request: Request, call: Call, content: Any, *, status: int = 200,
    headers: dict[str, str] | None = None, geojson: bool = False,
) -> Response:
    """JSON with a Link to the context, or JSON-LD with it inline (clause 6.3.5)."""
    media_type = response_media_type(request.headers.get("accept"), geojson=geojson)
    context = call.link_context or CORE_CONTEXT_URL
    extra = dict(headers or {})
    if media_type == LD_JSON:
        if isinstance(content, dict):
            content = {"@context": context, **content}
        elif isinstance(content, list):
            content = [{"@context": context, **item} if isinstance(item, dict) else item
                       for item in content]
    else:
        extra["Link"] = ", ".join(filter(None, [extra.get("Link"), context_link_header(context)]))
    return JSONResponse(content, status_code=status, headers=extra, media_type=media_type)


def wants_geojson(request: Request) -> bool:
    return response_media_type(request.headers.get("accept"), geojson=True) == GEO_JSON


def split_list(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    items = [item.strip() for item in raw.split(",")]
    if not all(items):
        raise NgsiLdError(ErrorKind.BadRequestData, f"empty item in the list {raw!r}")
    return items


def int_param(raw: str | None, name: str, default: int, *, low: int, high: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise NgsiLdError(ErrorKind.BadRequestData, f"{name} must be an integer") from None
    if value < low:
        raise NgsiLdError(ErrorKind.BadRequestData, f"{name} must be at least {low}")
    if value > high:
        raise NgsiLdError(ErrorKind.TooManyResults, f"{name} must be at most {high}")
    return value


def flag(raw: str | None, name: str) -> bool:
    if raw is None:
        return False
    if raw not in ("true", "false"):
        raise NgsiLdError(ErrorKind.BadRequestData, f"{name} must be true or false")
    return raw == "true"
