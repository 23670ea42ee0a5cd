"""The app's flat route table (app._add_routes) picks the same route for every request as
FastAPI's include_router would, and no route hands work to a worker thread."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.types import Message, Receive, Scope, Send

from cityverse.app import _add_routes, api_routers, api_routes, create_app
from cityverse.core.config import Settings

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _included_app() -> FastAPI:
    """The reference: the same routers, included the framework's way."""
    app = FastAPI()
    for router in api_routers():
        app.include_router(router)
    return app


def _flat_app() -> FastAPI:
    app = FastAPI()
    _add_routes(app, api_routers())
    return app


def _probes() -> Iterator[str]:
    """Each route's path with sample values, with and without a trailing slash, plus paths
    no API route serves."""
    for route in api_routes():
        path = re.sub(r"\{[^}]+\}", "x1", route.path)
        yield path
        yield path.rstrip("/") + "/"
    yield from ("/", "/api/nothing-here", "/ngsi-ld/v1/unknown")


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: Message) -> None:
    return None


async def _chosen_routes(app: FastAPI, chosen: list[APIRoute]) -> dict[str, str | None]:
    """For each probe, the API route the app's router hands the request to (None: none)."""
    answers: dict[str, str | None] = {}
    for path in _probes():
        for method in METHODS:
            chosen.clear()
            scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
                     "root_path": "", "query_string": b"", "headers": [], "scheme": "http",
                     "server": ("testserver", 80)}
            await app.router.app(scope, _receive, _send)
            answers[f"{method} {path}"] = (
                ",".join(f"{sorted(r.methods)} {r.path}" for r in chosen) or None
            )
    return answers


async def test_every_request_reaches_the_route_include_router_would_choose(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chosen: list[APIRoute] = []

    async def record(route: APIRoute, scope: Scope, receive: Receive, send: Send) -> None:
        chosen.append(route)

    monkeypatch.setattr(APIRoute, "handle", record)
    expected = await _chosen_routes(_included_app(), chosen)
    assert await _chosen_routes(_flat_app(), chosen) == expected
    assert sum(answer is not None for answer in expected.values()) >= len(api_routes())


def test_the_app_serves_every_api_route_once_in_router_order(settings: Settings) -> None:
    table = [r for r in create_app(settings).router.routes if isinstance(r, APIRoute)]
    assert table == api_routes()


def test_a_router_setting_only_include_router_applies_is_refused() -> None:
    async def nothing() -> None:
        return None

    router = APIRouter(prefix="/x", dependencies=[Depends(nothing)])
    with pytest.raises(RuntimeError, match="include_router"):
        _add_routes(FastAPI(), [router])


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _runs_in_loop(call: Any) -> bool:
    # Security schemes are objects whose __call__ is async.
    return inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(type(call).__call__)


def test_no_route_runs_its_endpoint_or_a_dependency_in_a_worker_thread() -> None:
    """FastAPI runs a plain `def` in a worker thread: a thread hand-off per request."""
    threaded = sorted({
        f"{route.path}: {getattr(call, '__qualname__', call)}"
        for route in api_routes()
        for call in [route.endpoint, *_calls(route.dependant)]
        if not _runs_in_loop(call)
    })
    assert threaded == []
