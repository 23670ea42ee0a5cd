"""The common error body for every kind of bad input, request ids, body size limit."""

from __future__ import annotations

import httpx

from cityverse.core.auth.policy import Role


async def test_unknown_api_path_is_a_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_wrong_method_is_405_with_the_common_body(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/health")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


async def test_malformed_json_is_422_not_500(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/login", content=b'{"username": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


async def test_body_that_is_not_an_object_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/login", json=["a", "b"])
    assert response.status_code == 422


async def test_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    big = "x" * 2_000_000
    response = await client.post("/api/auth/login", json={"username": big, "password": "p"})
    assert response.status_code == 413
    body = response.json()["error"]
    assert body["code"] == "payload_too_large" and "1048576" in body["message"]


async def test_streamed_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    async def chunks():  # no content-length: the limit applies while reading
        for _ in range(40):
            yield b"x" * 65536

    response = await client.post(
        "/api/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


async def test_request_id_is_echoed_and_generated(client: httpx.AsyncClient) -> None:
    mine = await client.get("/api/health", headers={"X-Request-ID": "abc12345-trace"})
    assert mine.headers["x-request-id"] == "abc12345-trace"
    generated = await client.get("/api/nothing")
    assert generated.json()["error"]["request_id"] == generated.headers["x-request-id"]


async def test_query_validation_is_a_field_error(signed_in) -> None:
    admin = await signed_in("root", Role.ADMIN)
    response = await admin.get("/api/admin/users?page=0&size=1000")
    fields = {f["field"]: f["code"] for f in response.json()["error"]["fields"]}
    assert fields == {"page": "too_small", "size": "too_large"}


async def test_messages_follow_accept_language(client: httpx.AsyncClient) -> None:
    zh = await client.get("/api/auth/me")
    en = await client.get("/api/auth/me", headers={"Accept-Language": "en;q=0.8, fr"})
    assert zh.json()["error"]["message"] == "请先登录"
    assert en.json()["error"]["message"] == "Please sign in first"


async def test_login_rate_limit_per_address(client: httpx.AsyncClient) -> None:
    codes = []
    for _ in range(32):
        response = await client.post("/api/auth/login", json={"username": "x", "password": "y"})
        codes.append(response.status_code)
    assert codes[:30] == [401] * 30
    assert codes[30] == 429 and "retry-after" in response.headers
