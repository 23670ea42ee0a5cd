"""Built from the route table: every protected route refuses anonymous callers, callers
without the role it names, and tokens without the scope it names."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from cityverse.app import api_routes, route_policy
from cityverse.core.auth.policy import ALL_ROLES, Policy, Role, Scope

ROUTES = [(r, route_policy(r)) for r in api_routes()]


def _route_id(item: tuple[APIRoute, Policy | None]) -> str:
    route, _ = item
    return f"{'/'.join(sorted(route.methods))} {route.path}"


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _calls(route: APIRoute) -> list[tuple[str, str]]:
    return [(method, _concrete(route.path)) for method in sorted(route.methods)]


def test_every_api_route_declares_a_policy() -> None:
    undeclared = [_route_id(item) for item in ROUTES if item[1] is None]
    assert undeclared == []
    assert len(ROUTES) >= 20


def test_route_table_has_protected_routes_of_every_kind() -> None:
    policies = {p for _, p in ROUTES if p is not None}
    assert any(p.public for p in policies)
    assert any(not p.public and not p.roles for p in policies)
    assert any(p.roles == frozenset({Role.ADMIN}) for p in policies)
    assert any(Role.OFFICER in p.roles for p in policies)


PROTECTED = [item for item in ROUTES if item[1] is not None and not item[1].public]


@pytest.mark.parametrize("item", PROTECTED, ids=_route_id)
async def test_anonymous_is_refused(
    client: httpx.AsyncClient, item: tuple[APIRoute, Policy]
) -> None:
    route, _ = item
    for method, path in _calls(route):
        response = await client.request(method, path, json={})
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()["error"]["code"] == "not_authenticated"


ROLE_LIMITED = [item for item in PROTECTED if item[1].roles]


@pytest.mark.parametrize("item", ROLE_LIMITED, ids=_route_id)
async def test_callers_without_the_role_are_refused(
    app: FastAPI, signed_in, item: tuple[APIRoute, Policy]
) -> None:
    route, policy = item
    for index, role in enumerate(sorted(ALL_ROLES - policy.roles)):
        caller = await signed_in(f"user{index}_{role}", role)
        for method, path in _calls(route):
            response = await caller.request(method, path, json={})
            assert response.status_code == 403, (role, method, path, response.text)
            assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("item", PROTECTED, ids=_route_id)
async def test_tokens_without_the_scope_are_refused(
    app: FastAPI, signed_in, item: tuple[APIRoute, Policy]
) -> None:
    route, policy = item
    role = sorted(policy.roles)[0] if policy.roles else Role.ADMIN
    owner = await signed_in("token_owner", Role(role))
    other_scopes = [s for s in Scope if s != policy.scope]
    created = await owner.post(
        "/api/auth/tokens", json={"name": "narrow", "scopes": [other_scopes[0]]}
    )
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}"},
    ) as bearer:
        for method, path in _calls(route):
            response = await bearer.request(method, path, json={})
            assert response.status_code == 403, (method, path, response.text)
            assert response.json()["error"]["code"] == "insufficient_scope"
