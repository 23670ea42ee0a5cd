"""One error format for the whole API: {"error": {code, message, fields, request_id}}."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from cityverse.core.context import request_id_var
from cityverse.core.i18n import negotiate, register_messages, translate
from cityverse.core.messages import MESSAGES

log = logging.getLogger("cityverse.errors")
register_messages(MESSAGES)


@dataclass
class FieldError:
    field: str
    code: str
    params: dict[str, Any] = dataclass_field(default_factory=dict)


class AppError(Exception):
    """An expected failure the caller can act on; rendered as the common error body."""

    def __init__(
        self,
        status: int,
        code: str,
        *,
        fields: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        commit: bool = False,
        **params: Any,
    ) -> None:
        """`commit=True` keeps the transaction's changes although the request is refused
        (e.g. a failed sign-in must still count towards the lockout)."""
        super().__init__(code)
        self.commit = commit
        self.status = status
        self.code = code
        self.fields = fields or []
        self.headers = headers
        self.params = params


class FieldErrorOut(BaseModel):
    field: str
    code: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: list[FieldErrorOut] = []
    request_id: str | None = None
    retry_after: int | None = None


class ErrorResponse(BaseModel):
    """The body of every 4xx/5xx answer of the API."""

    error: ErrorBody


def error_response(
    request: Request,
    status: int,
    code: str,
    fields: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> JSONResponse:
    locale = negotiate(request.headers.get("accept-language"))
    body = ErrorBody(
        code=code,
        message=translate(f"error.{code}", locale, **params),
        fields=[
            FieldErrorOut(
                field=f.field, code=f.code, message=translate(f"field.{f.code}", locale, **f.params)
            )
            for f in fields or []
        ],
        request_id=request_id_var.get(),
        retry_after=params.get("retry_after"),
    )
    if status >= 500:
        log.error("request failed", extra={"status": status, "code": code})
    else:
        log.info(
            "request refused",
            extra={"status": status, "code": code, "fields": [f.field for f in fields or []]},
        )
    return JSONResponse(
        ErrorResponse(error=body).model_dump(exclude_none=True), status_code=status, headers=headers
    )


# Pydantic error types mapped to our field codes; anything else is `invalid`.
_PYDANTIC_CODES = {
    "missing": "required",
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "string_pattern_mismatch": "bad_format",
    "literal_error": "invalid_choice",
    "enum": "invalid_choice",
    "value_error": "invalid",
    "int_parsing": "not_integer",
    "greater_than_equal": "too_small",
    "less_than_equal": "too_large",
    "too_long": "too_many",
    "json_invalid": "bad_json",
    "model_attributes_type": "bad_json",
    "dict_type": "bad_json",
}


def _field_errors(exc: RequestValidationError) -> list[FieldError]:
    result: list[FieldError] = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        ctx = dict(err.get("ctx") or {})
        code = ctx.pop("field_code", None) or _PYDANTIC_CODES.get(err.get("type", ""), "invalid")
        params = {k: v for k, v in ctx.items() if isinstance(v, (int, str, float))}
        if "expected" in ctx:
            params["choices"] = str(ctx["expected"])
        result.append(FieldError(".".join(loc) or "body", code, params))
    return result


def install_error_handlers(app: FastAPI) -> None:
    async def app_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        return error_response(
            request, exc.status, exc.code, exc.fields, exc.headers, **exc.params
        )

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error_response(request, 422, "validation_error", _field_errors(exc))

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        codes = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
        limit = request.app.state.settings.max_body_bytes
        return error_response(
            request, exc.status_code, codes.get(exc.status_code, "bad_request"),
            headers=dict(exc.headers) if exc.headers else None, limit=limit,
        )

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(request, 500, "internal_error")

    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
