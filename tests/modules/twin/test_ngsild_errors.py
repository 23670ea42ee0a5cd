from __future__ import annotations

import json

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.responses import Response

from cityverse.modules.twin.ngsild import (
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
from cityverse.modules.twin.ngsild.errors import not_acceptable, unsupported_media_type

# ETSI GS CIM 009 Table 6.3.2-1 (LdContextNotAvailable as in v1.8.1) plus v1.9.1's Conflict.
SPEC_TABLE = [
    ("InvalidRequest", 400),
    ("BadRequestData", 400),
    ("AlreadyExists", 409),
    ("Conflict", 409),
    ("OperationNotSupported", 422),
    ("ResourceNotFound", 404),
    ("InternalError", 500),
    ("TooComplexQuery", 403),
    ("TooManyResults", 403),
    ("LdContextNotAvailable", 503),
    ("NoMultiTenantSupport", 501),
    ("NonexistentTenant", 404),
]


def body_of(response: Response) -> object:
    return json.loads(bytes(response.body))


@pytest.mark.parametrize(("name", "status"), SPEC_TABLE)
def test_every_error_type_renders_as_problem_details(name: str, status: int) -> None:
    kind = ErrorKind[name]
    response = problem_response(NgsiLdError(kind, "what went wrong"))
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert body_of(response) == {
        "type": f"https://uri.etsi.org/ngsi-ld/errors/{name}",
        "title": kind.title,
        "status": status,
        "detail": "what went wrong",
    }


def test_resource_not_found_has_the_spec_example_shape() -> None:
    error = NgsiLdError(
        ErrorKind.ResourceNotFound, "urn:ngsi-ld:Device:widget001 was not found",
        instance="urn:ngsi-ld:Device:widget001",
    )
    assert body_of(problem_response(error)) == {
        "type": "https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound",
        "title": "Resource not found",
        "status": 404,
        "detail": "urn:ngsi-ld:Device:widget001 was not found",
        "instance": "urn:ngsi-ld:Device:widget001",
    }


def test_unauthorized_and_forbidden_are_plain_http_problems() -> None:
    response = problem_response(unauthorized("sign in first"))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert body_of(response) == {
        "type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "sign in first",
    }
    forbidden = problem_response(NgsiLdError(ErrorKind.Forbidden, "not your tenant"))
    assert body_of(forbidden) == {
        "type": "about:blank", "title": "Forbidden", "status": 403, "detail": "not your tenant",
    }


def test_media_type_errors_answer_as_the_binding_says() -> None:
    unsupported = media_type_response(unsupported_media_type("text/plain"))
    assert (unsupported.status_code, bytes(unsupported.body)) == (415, b"")
    refused = media_type_response(not_acceptable("text/html"))
    assert refused.status_code == 406
    assert body_of(refused) == ["application/json", "application/ld+json"]


@pytest.mark.parametrize("raw", [b"{", b'{"id": }', b"\xff\xfe{}", b"", b"NaN-ish"])
def test_a_body_that_is_not_json_is_an_invalid_request(raw: bytes) -> None:
    with pytest.raises(NgsiLdError) as caught:
        parse_json_body(raw)
    assert caught.value.kind is ErrorKind.InvalidRequest


class Subscription(BaseModel):
    id: str
    throttling: int = 0


def test_pydantic_json_errors_are_invalid_request_and_shape_errors_bad_request_data() -> None:
    with pytest.raises(NgsiLdError) as malformed:
        validate_json_body(Subscription, b'{"id": "urn:x",')
    assert malformed.value.kind is ErrorKind.InvalidRequest
    with pytest.raises(NgsiLdError) as wrong_shape:
        validate_json_body(Subscription, b'{"throttling": "often"}')
    assert wrong_shape.value.kind is ErrorKind.BadRequestData
    assert "id: Field required" in wrong_shape.value.detail
    assert "throttling: Input should be a valid integer" in wrong_shape.value.detail
    assert validate_json_body(Subscription, b'{"id": "urn:x"}').id == "urn:x"


def test_many_validation_errors_are_summarised() -> None:
    errors = [{"type": "missing", "loc": ("body", f"f{i}"), "msg": "Field required"}
              for i in range(8)]
    detail = error_from_validation(errors).detail
    assert detail.count("Field required") == 5
    assert detail.endswith("and 3 more")


async def test_fastapi_request_errors_map_through_the_same_rules() -> None:
    app = FastAPI()

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return problem_response(error_from_validation(exc.errors()))

    @app.exception_handler(NgsiLdError)
    async def ngsi_ld(request: Request, exc: NgsiLdError) -> Response:
        return problem_response(exc)

    @app.exception_handler(MediaTypeError)
    async def media(request: Request, exc: MediaTypeError) -> Response:
        return media_type_response(exc)

    @app.post("/subscriptions")
    async def create(subscription: Subscription) -> dict[str, str]:
        return {"id": subscription.id}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        headers = {"Content-Type": "application/json"}
        malformed = await client.post("/subscriptions", content=b"{oops", headers=headers)
        assert malformed.status_code == 400
        assert malformed.json()["type"] == "https://uri.etsi.org/ngsi-ld/errors/InvalidRequest"
        wrong = await client.post("/subscriptions", json={"throttling": []})
        assert wrong.status_code == 400
        assert wrong.json()["type"] == "https://uri.etsi.org/ngsi-ld/errors/BadRequestData"
        assert wrong.headers["content-type"] == "application/json"
