from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from cityverse.modules.twin.ngsild import (
    CORE_CONTEXT_URL,
    CORE_CONTEXT_URLS,
    ContextKind,
    ContextResolver,
    ErrorKind,
    NgsiLdError,
    expand_entity,
)
from cityverse.modules.twin.ngsild.contexts import load_shipped_context
from cityverse.modules.twin.ngsild.fetch import cache_lifetime

if TYPE_CHECKING:  # fixtures of this folder's conftest
    from conftest import ContextServer, FakeClock, NetworkGuard

# shared/ sits beside the repository checkout.
SHARED_CORE = (Path(__file__).resolve().parents[4] / "shared" / "ngsi-ld"
               / "ngsi-ld-core-context-v1.9.jsonld")
SDM = "https://smartdatamodels.org/dataModel.Environment/"
AQ_CONTEXT = {"@context": {"NO2": f"{SDM}NO2", "AirQualityObserved": f"{SDM}AirQualityObserved"}}
ENTITY = {
    "id": "urn:ngsi-ld:AirQualityObserved:kunshan-001",
    "type": "AirQualityObserved",
    "NO2": {"type": "Property", "value": 22.5, "unitCode": "GQ"},
}


async def expect_error(kind: ErrorKind, awaitable: object) -> NgsiLdError:
    with pytest.raises(NgsiLdError) as caught:
        await awaitable  # type: ignore[misc]
    assert caught.value.kind is kind, caught.value.detail
    return caught.value


def test_the_package_ships_the_normative_core_context() -> None:
    if not SHARED_CORE.exists():
        pytest.skip(f"no shared/ beside the checkout ({SHARED_CORE})")
    assert load_shipped_context("ngsi-ld-core-context-v1.9.jsonld") == json.loads(
        SHARED_CORE.read_text()
    )
    assert "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.3.jsonld" in CORE_CONTEXT_URLS
    assert "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld" in CORE_CONTEXT_URLS


@pytest.mark.parametrize("url", sorted(CORE_CONTEXT_URLS))
async def test_every_core_context_url_expands_without_network(
    resolver: ContextResolver, network_guard: NetworkGuard, url: str
) -> None:
    expanded = await expand_entity(
        resolver, {**ENTITY, "@context": [url]}, media_type="application/ld+json"
    )
    assert expanded["@type"] == ["https://uri.etsi.org/ngsi-ld/default-context/AirQualityObserved"]
    assert network_guard.attempts == []


async def test_the_guard_really_blocks_remote_contexts(
    resolver: ContextResolver, network_guard: NetworkGuard
) -> None:
    error = await expect_error(
        ErrorKind.LdContextNotAvailable, resolver.prepare("https://example.org/ctx.jsonld")
    )
    assert "example.org" in error.detail
    assert network_guard.attempts == ["example.org"]


async def test_a_remote_context_is_fetched_once_then_served_from_memory(
    resolver: ContextResolver, context_server: ContextServer
) -> None:
    url = context_server.serve("/aq.jsonld", AQ_CONTEXT)
    assert await resolver.prepare(url) == [url, CORE_CONTEXT_URL]
    expanded = await expand_entity(resolver, ENTITY, link_context=url)
    assert f"{SDM}NO2" in expanded
    assert context_server.hits["/aq.jsonld"] == 1


async def test_max_age_sets_the_expiry(
    resolver: ContextResolver, context_server: ContextServer, clock: FakeClock
) -> None:
    url = context_server.serve("/aq.jsonld", AQ_CONTEXT, headers={"Cache-Control": "max-age=60"})
    await resolver.prepare(url)
    clock.advance(59)
    await resolver.prepare(url)
    assert context_server.hits["/aq.jsonld"] == 1
    clock.advance(2)
    await resolver.prepare(url)
    assert context_server.hits["/aq.jsonld"] == 2
    stored = resolver.find(url)
    assert stored is not None
    info = stored.info()
    assert (info["kind"], info["URL"]) == ("Cached", url)
    assert "expiresAt" in info


async def test_without_cache_headers_the_default_ttl_applies(
    resolver: ContextResolver, context_server: ContextServer, clock: FakeClock
) -> None:
    url = context_server.serve("/aq.jsonld", AQ_CONTEXT)
    await resolver.prepare(url)
    clock.advance(resolver.cache_ttl - 1)
    await resolver.prepare(url)
    assert context_server.hits["/aq.jsonld"] == 1
    clock.advance(2)
    await resolver.prepare(url)
    assert context_server.hits["/aq.jsonld"] == 2


async def test_no_store_is_fetched_every_time(
    resolver: ContextResolver, context_server: ContextServer
) -> None:
    url = context_server.serve("/aq.jsonld", AQ_CONTEXT, headers={"Cache-Control": "no-store"})
    for _ in range(3):
        await resolver.prepare(url)
    assert context_server.hits["/aq.jsonld"] == 3


@pytest.mark.parametrize(
    ("headers", "lifetime"),
    [
        ({}, None),
        ({"Cache-Control": "public, max-age=600"}, 600.0),
        ({"Cache-Control": "max-age=600, s-maxage=60"}, 60.0),
        ({"Cache-Control": 'max-age="30"'}, 30.0),
        ({"Cache-Control": "max-age=600, no-cache"}, 0.0),
        ({"Cache-Control": "private, max-age=600"}, 0.0),
        ({"Expires": "Thu, 01 May 2025 09:00:00 GMT"}, 3600.0),
        ({"Expires": "Thu, 01 May 2025 07:00:00 GMT"}, 0.0),
        ({"Expires": "0"}, 0.0),
        ({"Cache-Control": "max-age=120", "Expires": "Thu, 01 May 2025 09:00:00 GMT"}, 120.0),
    ],
)
def test_cache_lifetime_reads_cache_control_then_expires(
    headers: dict[str, str], lifetime: float | None
) -> None:
    now = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
    assert cache_lifetime(httpx.Headers(headers), now=now) == lifetime


async def test_concurrent_requests_share_one_download(
    resolver: ContextResolver, context_server: ContextServer
) -> None:
    url = context_server.serve("/aq.jsonld", AQ_CONTEXT, delay=0.3)
    results = await asyncio.gather(*(resolver.prepare(url) for _ in range(25)))
    assert all(result == [url, CORE_CONTEXT_URL] for result in results)
    assert context_server.hits["/aq.jsonld"] == 1


async def test_a_waiter_that_gives_up_does_not_cancel_the_shared_download(
    resolver: ContextResolver, context_server: ContextServer
) -> None:
    url = context_server.serve("/aq.jsonld", AQ_CONTEXT, delay=0.2)
    impatient = asyncio.create_task(resolver.prepare(url))
    patient = asyncio.create_task(resolver.prepare(url))
    await asyncio.sleep(0.05)
    impatient.cancel()
    assert await patient == [url, CORE_CONTEXT_URL]
    assert impatient.cancelled()
    assert context_server.hits["/aq.jsonld"] == 1


async def test_a_slow_server_times_out_without_stalling_other_requests(
    context_server: ContextServer, clock: FakeClock
) -> None:
    resolver = ContextResolver(timeout=0.5, clock=clock)
    slow_url = context_server.serve("/slow.jsonld", AQ_CONTEXT, delay=5)
    started = time.perf_counter()
    slow = asyncio.create_task(resolver.prepare(slow_url))
    await asyncio.sleep(0.05)  # the slow download is under way
    assert not slow.done()
    unrelated_started = time.perf_counter()
    for _ in range(20):
        await expand_entity(resolver, ENTITY)
    assert time.perf_counter() - unrelated_started < 0.5
    assert not slow.done()
    error = await expect_error(ErrorKind.LdContextNotAvailable, slow)
    assert "0.5 s" in error.detail
    assert time.perf_counter() - started < 2
    await resolver.aclose()


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ({"status": 404, "body": b"gone"}, "HTTP 404"),
        ({"status": 500, "body": b"{}"}, "HTTP 500"),
        ({"body": b"<html>a context</html>"}, "not JSON"),
        ({"body": b'{"name": "no context here"}'}, "with an @context"),
        ({"body": b'["@context"]'}, "with an @context"),
        ({"body": b"{" + b" " * 2_000_000 + b"}"}, "larger than"),
        ({"body": b"{}", "headers": {"Content-Length": "99999999"}}, "larger than"),
    ],
)
async def test_broken_context_servers_give_ld_context_not_available(
    resolver: ContextResolver, context_server: ContextServer, route: dict[str, object],
    reason: str,
) -> None:
    url = context_server.serve("/broken.jsonld", **route)  # type: ignore[arg-type]
    error = await expect_error(ErrorKind.LdContextNotAvailable, resolver.prepare(url))
    assert reason in error.detail
    assert url in error.detail


async def test_a_body_without_length_is_cut_at_the_limit(
    resolver: ContextResolver, context_server: ContextServer
) -> None:
    resolver.max_bytes = 1000
    url = context_server.serve(
        "/chunky.jsonld", body=b'{"@context": {}, "pad": "' + b"x" * 5000 + b'"}',
        headers={"Content-Length": "", "Connection": "close"},
    )
    error = await expect_error(ErrorKind.LdContextNotAvailable, resolver.prepare(url))
    assert "larger than 1000 bytes" in error.detail


async def test_a_closed_port_is_not_available(resolver: ContextResolver) -> None:
    await expect_error(
        ErrorKind.LdContextNotAvailable, resolver.prepare("http://127.0.0.1:9/ctx.jsonld")
    )


async def test_a_failure_is_remembered_briefly(
    resolver: ContextResolver, context_server: ContextServer, clock: FakeClock
) -> None:
    url = context_server.serve("/aq.jsonld", status=404, body=b"")
    await expect_error(ErrorKind.LdContextNotAvailable, resolver.prepare(url))
    context_server.serve("/aq.jsonld", AQ_CONTEXT)
    await expect_error(ErrorKind.LdContextNotAvailable, resolver.prepare(url))
    assert context_server.hits["/aq.jsonld"] == 1
    clock.advance(resolver.failure_ttl + 1)
    await resolver.prepare(url)
    assert context_server.hits["/aq.jsonld"] == 2


async def test_a_stale_copy_is_kept_while_its_server_is_down(
    resolver: ContextResolver, context_server: ContextServer, clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = context_server.serve("/aq.jsonld", AQ_CONTEXT, headers={"Cache-Control": "max-age=10"})
    await resolver.prepare(url)
    context_server.serve("/aq.jsonld", status=503, body=b"")
    clock.advance(11)
    with caplog.at_level(logging.WARNING, logger="cityverse.twin.ngsild"):
        expanded = await expand_entity(resolver, ENTITY, link_context=url)
    assert f"{SDM}NO2" in expanded
    assert "keeping the stale copy" in caplog.text


async def test_a_changed_context_changes_expansion(
    resolver: ContextResolver, context_server: ContextServer, clock: FakeClock
) -> None:
    url = context_server.serve("/aq.jsonld", AQ_CONTEXT, headers={"Cache-Control": "max-age=10"})
    assert f"{SDM}NO2" in await expand_entity(resolver, ENTITY, link_context=url)
    context_server.serve("/aq.jsonld", {"@context": {"NO2": "https://example.org/no2"}})
    clock.advance(11)
    assert "https://example.org/no2" in await expand_entity(resolver, ENTITY, link_context=url)


async def test_contexts_that_load_other_contexts_are_resolved_first(
    resolver: ContextResolver, context_server: ContextServer, network_guard: NetworkGuard
) -> None:
    context_server.serve("/models/aq.jsonld", AQ_CONTEXT)
    context_server.serve("/models/units.jsonld", {"@context": {"GQ": "https://example.org/GQ"}})
    url = context_server.serve("/compound.jsonld", {"@context": [
        "models/aq.jsonld",
        {"@import": "models/units.jsonld", "extra": "https://example.org/extra"},
        CORE_CONTEXT_URL,
    ]})
    expanded = await expand_entity(resolver, {**ENTITY, "extra": {"type": "Property", "value": 1}},
                                   link_context=url)
    assert {f"{SDM}NO2", "https://example.org/extra"} <= set(expanded)
    assert context_server.hits == {"/compound.jsonld": 1, "/models/aq.jsonld": 1,
                                   "/models/units.jsonld": 1}
    assert network_guard.attempts == []


async def test_a_core_context_listed_first_in_a_user_context_still_wins(
    resolver: ContextResolver, context_server: ContextServer
) -> None:
    url = context_server.serve("/model.jsonld", {"@context": [
        CORE_CONTEXT_URL, {"location": "https://example.org/location", "NO2": f"{SDM}NO2"}]})
    located = {**ENTITY, "location": {"type": "GeoProperty",
                                      "value": {"type": "Point", "coordinates": [121.0, 31.3]}}}
    expanded = await expand_entity(resolver, located, link_context=url)
    assert {"https://uri.etsi.org/ngsi-ld/location", f"{SDM}NO2"} <= set(expanded)


async def test_a_cycle_of_contexts_is_bad_request_data(
    resolver: ContextResolver, context_server: ContextServer
) -> None:
    context_server.serve("/a.jsonld", {"@context": ["b.jsonld"]})
    url = context_server.serve("/b.jsonld", {"@context": ["a.jsonld"]})
    await expect_error(ErrorKind.BadRequestData, expand_entity(resolver, ENTITY, link_context=url))


async def test_a_remote_context_with_scoped_contexts_is_refused(
    resolver: ContextResolver, context_server: ContextServer
) -> None:
    url = context_server.serve("/scoped.jsonld", {"@context": {
        "NO2": {"@id": f"{SDM}NO2", "@context": {"value": "https://example.org/evil"}}}})
    error = await expect_error(ErrorKind.BadRequestData, resolver.prepare(url))
    assert "scoped context" in error.detail


async def test_least_recently_used_cached_contexts_are_evicted(
    context_server: ContextServer, clock: FakeClock
) -> None:
    resolver = ContextResolver(max_stored=2, clock=clock)
    urls = [context_server.serve(f"/c{i}.jsonld", AQ_CONTEXT) for i in range(3)]
    for url in urls:
        clock.advance(1)
        await resolver.prepare(url)
    cached = [s.url for s in resolver.stored_contexts() if s.kind is ContextKind.CACHED]
    assert urls[0] not in cached
    assert {urls[1], urls[2]} <= set(cached)
    await resolver.aclose()


async def test_an_injected_client_is_used_and_left_open(context_server: ContextServer) -> None:
    async with httpx.AsyncClient() as client:
        resolver = ContextResolver(client=client)
        url = context_server.serve("/aq.jsonld", AQ_CONTEXT)
        await resolver.prepare(url)
        await resolver.aclose()
        assert not client.is_closed
