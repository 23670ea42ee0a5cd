from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from cityverse.modules.twin.ngsild import (
    CORE_CONTEXT_URL,
    ContextKind,
    ContextRegistry,
    ContextResolver,
    ErrorKind,
    NgsiLdError,
    expand_entity,
)

if TYPE_CHECKING:  # fixtures of this folder's conftest
    from conftest import ContextServer, NetworkGuard

SDM = "https://smartdatamodels.org/dataModel.Environment/"
AQ_CONTEXT = {"@context": {"NO2": f"{SDM}NO2", "AirQualityObserved": f"{SDM}AirQualityObserved"}}
ENTITY = {
    "id": "urn:ngsi-ld:AirQualityObserved:kunshan-001",
    "type": "AirQualityObserved",
    "NO2": {"type": "Property", "value": 22.5, "unitCode": "GQ"},
}


async def expect_error(kind: ErrorKind, awaitable: Any) -> NgsiLdError:
    with pytest.raises(NgsiLdError) as caught:
        await awaitable
    assert caught.value.kind is kind, caught.value.detail
    return caught.value


async def test_hosted_contexts_are_stored_served_and_used_without_http(
    registry: ContextRegistry, resolver: ContextResolver, network_guard: NetworkGuard
) -> None:
    hosted = await registry.add_hosted_context(AQ_CONTEXT)
    assert hosted.url == f"http://broker.invalid/ngsi-ld/v1/jsonldContexts/{hosted.local_id}"
    assert registry.serve_context(hosted.local_id) == AQ_CONTEXT
    assert hosted.url in registry.list_context_urls()
    assert registry.list_context_urls(kind=hosted.kind) == [hosted.url]
    expanded = await expand_entity(resolver, ENTITY, link_context=hosted.url)
    assert f"{SDM}NO2" in expanded
    assert network_guard.attempts == []
    details = registry.context_details(hosted.local_id)
    assert details["kind"] == "Hosted"
    assert details["numberOfHits"] == 1
    assert {"URL", "localId", "createdAt", "lastUsage"} <= set(details)

    await registry.delete_context(hosted.local_id)
    await expect_error(ErrorKind.ResourceNotFound, registry.delete_context(hosted.local_id))
    await expect_error(
        ErrorKind.LdContextNotAvailable, expand_entity(resolver, ENTITY, link_context=hosted.url)
    )
    assert network_guard.attempts == []


@pytest.mark.parametrize(
    "document",
    [["not", "an", "object"], {"context": {}}, {"@context": {}, "extra": 1},
     {"@context": {"NO2": {"@id": 5}}}, {"@context": {"@vocab": 7}}, {"@context": [5]}],
)
async def test_invalid_hosted_contexts_are_bad_request_data(
    registry: ContextRegistry, document: object
) -> None:
    await expect_error(ErrorKind.BadRequestData, registry.add_hosted_context(document))


async def test_the_registry_rules_for_cached_and_built_in_contexts(
    registry: ContextRegistry, resolver: ContextResolver, context_server: ContextServer
) -> None:
    url = context_server.serve("/aq.jsonld", AQ_CONTEXT)
    await resolver.prepare(url)
    assert {CORE_CONTEXT_URL, url} <= set(registry.list_context_urls())
    cached = registry.context_details(url)
    assert registry.context_details(cached["localId"]) == cached
    with pytest.raises(NgsiLdError) as not_served:
        registry.serve_context(url)
    assert not_served.value.kind is ErrorKind.OperationNotSupported
    core_id = registry.context_details(CORE_CONTEXT_URL)["localId"]
    await expect_error(ErrorKind.BadRequestData, registry.delete_context(core_id))
    await expect_error(ErrorKind.ResourceNotFound, registry.delete_context("no-such-context"))

    await registry.delete_context(url, reload=True)
    assert context_server.hits["/aq.jsonld"] == 2
    hosted = await registry.add_hosted_context(AQ_CONTEXT)
    await expect_error(ErrorKind.BadRequestData, registry.delete_context(hosted.local_id,
                                                                          reload=True))
    context_server.serve("/aq.jsonld", status=404, body=b"")
    await expect_error(ErrorKind.LdContextNotAvailable, registry.delete_context(url, reload=True))
    assert registry.context_details(url)["URL"] == url  # the old copy stays

    await registry.delete_context(url)
    with pytest.raises(NgsiLdError) as gone:
        registry.context_details(url)
    assert gone.value.kind is ErrorKind.ResourceNotFound


async def test_implicit_contexts_get_one_url_per_content(registry: ContextRegistry) -> None:
    inline = [{"NO2": f"{SDM}NO2"}, CORE_CONTEXT_URL]
    first = registry.add_implicit_context(inline)
    assert registry.add_implicit_context(json.loads(json.dumps(inline))).url == first.url
    assert registry.add_implicit_context([{"NO2": "https://example.org/x"}]).url != first.url
    assert registry.serve_context(first.local_id) == {"@context": inline}
    assert len(registry.list_context_urls(kind=ContextKind.IMPLICITLY_CREATED)) == 2
