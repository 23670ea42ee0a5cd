"""The dashboard aggregate: officers only, exact figures, a fixed number of queries."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import httpx
from fastapi import FastAPI
from sqlalchemy import event

from cityverse.core.auth.policy import Role
from conftest import SignedInFactory

LoadEnterprises = Callable[[], Awaitable[None]]  # the `demo_enterprises` fixture


@contextmanager
def counted_queries(app: FastAPI) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


async def test_only_officers_and_admins_see_the_dashboard(
    client: httpx.AsyncClient, signed_in: SignedInFactory
) -> None:
    assert (await client.get("/api/industry/dashboard")).status_code == 401
    for role in (Role.ENTERPRISE, Role.VISITOR, Role.CREATOR):
        other = await signed_in(f"user_{role}", role)
        refused = await other.get("/api/industry/dashboard")
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "forbidden"
    for role in (Role.OFFICER, Role.ADMIN):
        allowed = await signed_in(f"user_{role}", role)
        assert (await allowed.get("/api/industry/dashboard")).status_code == 200


async def test_empty_city_gives_zeros_not_errors(signed_in: SignedInFactory) -> None:
    officer = await signed_in("officer1", Role.OFFICER)
    body = (await officer.get("/api/industry/dashboard")).json()
    assert body["enterprises"] == 0
    assert body["by_town"] == [] and body["by_segment"] == []
    assert body["service"]["total"] == 0


async def test_enterprises_by_town_and_by_chain_segment(
    app: FastAPI, signed_in: SignedInFactory, demo_enterprises: LoadEnterprises
) -> None:
    await demo_enterprises()
    officer = await signed_in("officer1", Role.OFFICER)
    body = (await officer.get("/api/industry/dashboard")).json()
    assert body["enterprises"] == 40
    towns = {t["town_key"]: t["enterprises"] for t in body["by_town"]}
    assert towns == {"huaqiao-town": 7, "yushan-town": 6, "zhoushi-town": 5,
                     "bacheng-town": 5, "zhangpu-town": 4, "lujia-town": 4,
                     "qiandeng-town": 3, "zhouzhuang-town": 2, "jinxi-town": 2,
                     "dianshanhu-town": 2}
    per_segment: dict[str, int] = {}
    for item in body["by_segment"]:
        per_segment[item["segment"]] = per_segment.get(item["segment"], 0) + item["enterprises"]
    assert per_segment == {"hardware": 12, "software": 10, "content": 8, "application": 10}
    # Segments come in chain order: hardware first, application last.
    assert body["by_segment"][0]["segment"] == "hardware"
    assert body["by_segment"][-1]["segment"] == "application"


async def test_answer_is_shared_for_a_few_seconds(
    app: FastAPI, signed_in: SignedInFactory, demo_enterprises: LoadEnterprises
) -> None:
    officer = await signed_in("officer1", Role.OFFICER)
    first = (await officer.get("/api/industry/dashboard")).json()
    await demo_enterprises()
    cached = (await officer.get("/api/industry/dashboard")).json()
    assert cached == first  # still within the cache's lifetime
    app.state.industry_dashboard_cache.clear()
    assert (await officer.get("/api/industry/dashboard")).json()["enterprises"] == 40


async def test_query_count_does_not_grow_with_the_data(
    app: FastAPI, signed_in: SignedInFactory, demo_enterprises: LoadEnterprises
) -> None:
    officer = await signed_in("officer1", Role.OFFICER)
    cache = app.state.industry_dashboard_cache
    with counted_queries(app) as empty_city:
        assert (await officer.get("/api/industry/dashboard")).status_code == 200
    await demo_enterprises()
    cache.clear()
    with counted_queries(app) as full_city:
        assert (await officer.get("/api/industry/dashboard")).status_code == 200
    assert len(full_city) == len(empty_city)
    assert len(full_city) <= 16, full_city
    # A cached answer costs only the caller's session check.
    with counted_queries(app) as cached:
        assert (await officer.get("/api/industry/dashboard")).status_code == 200
    assert len(cached) < len(full_city)
