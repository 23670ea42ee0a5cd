"""NGSI-LD errors as ProblemDetails (ETSI GS CIM 009 clauses 5.5.2, 5.5.3, 6.3.2–6.3.4).

Every failure of the NGSI-LD API is an `NgsiLdError`; the router renders it with
`problem_response`. The body is an RFC 7807 object with the NGSI-LD error type URI, sent as
`application/json` (not `application/problem+json`: the spec keeps old clients working).
Only the two media-type preconditions of clause 6.3.4 answer differently (`MediaTypeError`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from enum import Enum, unique
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.responses import JSONResponse, Response

ERROR_TYPE_BASE = "https://uri.etsi.org/ngsi-ld/errors/"
JSON_MEDIA_TYPE = "application/json"
# Clause 6.3.4: a 406 answer lists what the client could have asked for instead.
AVAILABLE_REPRESENTATIONS = ("application/json", "application/ld+json")
MAX_DETAILED_VALIDATION_ERRORS = 5

Model = TypeVar("Model", bound=BaseModel)


@unique  # equal (status, title) pairs would silently alias two error types
class ErrorKind(Enum):
    """The NGSI-LD error types (Table 5.5.2-1) with their HTTP status (Table 6.3.2-1).

    The member name is the last segment of the error type URI.
    """

    InvalidRequest = (400, "Invalid request")
    BadRequestData = (400, "Bad request data")
    AlreadyExists = (409, "Already exists")
    Conflict = (409, "Conflict")
    OperationNotSupported = (422, "Operation not supported")
    ResourceNotFound = (404, "Resource not found")
    InternalError = (500, "Internal error")
    TooComplexQuery = (403, "Too complex query")
    TooManyResults = (403, "Too many results")
    LdContextNotAvailable = (503, "JSON-LD @context not available")
    NoMultiTenantSupport = (501, "No multi-tenant support")
    NonexistentTenant = (404, "Nonexistent tenant")
    # NGSI-LD defines no types for authentication and authorisation; RFC 7807 section 4.2
    # says a plain HTTP problem is "about:blank" titled with the HTTP reason phrase.
    Unauthorized = (401, "Unauthorized")
    Forbidden = (403, "Forbidden")

    def __init__(self, status: int, title: str) -> None:
        self.status = status
        self.title = title

    @property
    def type_uri(self) -> str:
        if self in (ErrorKind.Unauthorized, ErrorKind.Forbidden):
            return "about:blank"
        return ERROR_TYPE_BASE + self.name


class NgsiLdError(Exception):
    """An NGSI-LD operation failed in a way the client is told about."""

    def __init__(
        self,
        kind: ErrorKind,
        detail: str,
        *,
        instance: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{kind.name}: {detail}")
        self.kind = kind
        self.detail = detail
        self.instance = instance
        self.headers = dict(headers or {})

    def problem_details(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.kind.type_uri,
            "title": self.kind.title,
            "status": self.kind.status,
            "detail": self.detail,
        }
        if self.instance is not None:
            body["instance"] = self.instance
        return body


def problem_response(error: NgsiLdError) -> JSONResponse:
    """The HTTP answer for an NGSI-LD error (clause 6.3.3)."""
    return JSONResponse(
        error.problem_details(),
        status_code=error.kind.status,
        headers=error.headers,
        media_type=JSON_MEDIA_TYPE,
    )


def unauthorized(detail: str, *, scheme: str = "Bearer") -> NgsiLdError:
    # RFC 9110 section 15.5.2: a 401 must carry a challenge.
    return NgsiLdError(ErrorKind.Unauthorized, detail, headers={"WWW-Authenticate": scheme})


class MediaTypeError(Exception):
    """A failed media-type precondition (clause 6.3.4): 415 has no body, 406 lists the
    representations the resource has."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def unsupported_media_type(content_type: str) -> MediaTypeError:
    return MediaTypeError(415, f"Content-Type {content_type!r} is not supported")


def not_acceptable(accept: str) -> MediaTypeError:
    return MediaTypeError(406, f"none of the media types in Accept {accept!r} is available")


def media_type_response(error: MediaTypeError) -> Response:
    if error.status == 406:
        return JSONResponse(list(AVAILABLE_REPRESENTATIONS), status_code=406)
    return Response(status_code=error.status)


def parse_json_body(raw: bytes | str) -> Any:
    """The request body as JSON; anything that is not JSON is an InvalidRequest (5.5.4)."""
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise NgsiLdError(
            ErrorKind.InvalidRequest, f"the request body is not valid JSON: {exc}"
        ) from exc


def error_from_validation(errors: Iterable[Mapping[str, Any]]) -> NgsiLdError:
    """Map pydantic (or FastAPI request) validation errors to an NGSI-LD error.

    Malformed JSON is an InvalidRequest; well-formed JSON of the wrong shape is
    BadRequestData (clause 5.5.4).
    """
    errors = list(errors)
    if any(error.get("type") == "json_invalid" for error in errors):
        return NgsiLdError(ErrorKind.InvalidRequest, "the request body is not valid JSON")
    described = [_describe_validation_error(error) for error in errors]
    shown = described[:MAX_DETAILED_VALIDATION_ERRORS]
    if len(described) > len(shown):
        shown.append(f"and {len(described) - len(shown)} more")
    return NgsiLdError(ErrorKind.BadRequestData, "; ".join(shown) or "invalid request data")


def validate_json_body(model: type[Model], raw: bytes | str) -> Model:
    """Parse and validate a request body in one step, raising NGSI-LD errors."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise error_from_validation(exc.errors()) from exc


def _describe_validation_error(error: Mapping[str, Any]) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    message = str(error.get("msg", "invalid value"))
    return f"{location}: {message}" if location else message
