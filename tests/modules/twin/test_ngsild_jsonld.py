from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import pytest

from cityverse.modules.twin.ngsild import (
    CORE_CONTEXT_URL,
    ContextResolver,
    ErrorKind,
    NgsiLdError,
    compact_entity,
    entity_context,
    expand_entity,
    expand_terms,
)

if TYPE_CHECKING:  # fixtures of this folder's conftest
    from conftest import ContextServer, NetworkGuard

NGSI = "https://uri.etsi.org/ngsi-ld/"
DEFAULT = "https://uri.etsi.org/ngsi-ld/default-context/"
SDM = "https://smartdatamodels.org/dataModel.Environment/"
GEO = "https://purl.org/geojson/vocab#"
USER_CONTEXT = {
    "AirQualityObserved": f"{SDM}AirQualityObserved",
    "NO2": f"{SDM}NO2",
    "refDevice": f"{SDM}refDevice",
}
OBSERVED = "2025-05-01T08:00:00Z"
AIR_QUALITY = {
    "id": "urn:ngsi-ld:AirQualityObserved:kunshan-huaqiao-001",
    "type": "AirQualityObserved",
    "name": {"type": "LanguageProperty",
             "languageMap": {"zh": "花桥国际商务城空气站", "en": "Huaqiao air station"}},
    "NO2": {"type": "Property", "value": 22.5, "unitCode": "GQ", "observedAt": OBSERVED},
    "airQualityLevel": {"type": "Property", "value": "good", "observedAt": OBSERVED},
    "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [121.06, 31.33]}},
    "refDevice": {"type": "Relationship", "object": "urn:ngsi-ld:Device:kunshan-aq-001"},
}
EXPANDED = {
    "@id": "urn:ngsi-ld:AirQualityObserved:kunshan-huaqiao-001",
    "@type": [f"{SDM}AirQualityObserved"],
    f"{DEFAULT}name": [{
        "@type": [f"{NGSI}LanguageProperty"],
        f"{NGSI}hasLanguageMap": [
            {"@value": "Huaqiao air station", "@language": "en"},
            {"@value": "花桥国际商务城空气站", "@language": "zh"},
        ],
    }],
    f"{SDM}NO2": [{
        "@type": [f"{NGSI}Property"],
        f"{NGSI}hasValue": [{"@value": 22.5}],
        f"{NGSI}unitCode": [{"@value": "GQ"}],
        f"{NGSI}observedAt": [{"@type": f"{NGSI}DateTime", "@value": OBSERVED}],
    }],
    f"{DEFAULT}airQualityLevel": [{
        "@type": [f"{NGSI}Property"],
        f"{NGSI}hasValue": [{"@value": "good"}],
        f"{NGSI}observedAt": [{"@type": f"{NGSI}DateTime", "@value": OBSERVED}],
    }],
    f"{NGSI}location": [{
        "@type": [f"{NGSI}GeoProperty"],
        f"{NGSI}hasValue": [{
            "@type": [f"{GEO}Point"],
            f"{GEO}coordinates": [{"@list": [{"@value": 121.06}, {"@value": 31.33}]}],
        }],
    }],
    f"{SDM}refDevice": [{
        "@type": [f"{NGSI}Relationship"],
        f"{NGSI}hasObject": [{"@id": "urn:ngsi-ld:Device:kunshan-aq-001"}],
    }],
}


def sorted_language_maps(expanded: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(expanded)
    for attribute in result[f"{DEFAULT}name"]:
        attribute[f"{NGSI}hasLanguageMap"].sort(key=lambda entry: entry["@language"])
    return result


async def expect_error(kind: ErrorKind, awaitable: Any) -> NgsiLdError:
    with pytest.raises(NgsiLdError) as caught:
        await awaitable
    assert caught.value.kind is kind, caught.value.detail
    return caught.value


async def test_an_air_quality_entity_expands_as_expected(
    resolver: ContextResolver, network_guard: NetworkGuard
) -> None:
    document = {"@context": [USER_CONTEXT, CORE_CONTEXT_URL], **AIR_QUALITY}
    expanded = await expand_entity(resolver, document, media_type="application/ld+json")
    assert sorted_language_maps(expanded) == EXPANDED
    assert network_guard.attempts == []


async def test_a_linked_context_expands_like_the_same_context_inline(
    resolver: ContextResolver, context_server: ContextServer
) -> None:
    url = context_server.serve("/aq.jsonld", {"@context": USER_CONTEXT})
    expanded = await expand_entity(resolver, AIR_QUALITY, link_context=url)
    assert sorted_language_maps(expanded) == EXPANDED


async def test_expansion_round_trips_through_compaction(resolver: ContextResolver) -> None:
    document = {"@context": [USER_CONTEXT, CORE_CONTEXT_URL], **AIR_QUALITY}
    expanded = await expand_entity(resolver, document, media_type="application/ld+json")
    compacted = await compact_entity(resolver, expanded, document["@context"])
    assert compacted == document


async def test_geometries_lists_and_json_values_round_trip(resolver: ContextResolver) -> None:
    entity = {
        "id": "urn:ngsi-ld:Building:kunshan-0001",
        "type": "Building",
        "location": {"type": "GeoProperty", "value": {"type": "Polygon", "coordinates": [
            [[120.95, 31.38], [120.96, 31.38], [120.96, 31.39], [120.95, 31.38]]]}},
        "address": {"type": "Property", "value": {"streetAddress": "前进西路 1 号",
                                                  "addressLocality": "昆山"}},
        "height": {"type": "Property", "value": 45, "unitCode": "MTR"},
        "survey": {"type": "JsonProperty", "json": {"@context": "kept as is", "floors": [1, 2]}},
        "owner": {"type": "Relationship", "object": "urn:ngsi-ld:Organization:ks",
                  "datasetId": "urn:ngsi-ld:Dataset:cadastre"},
    }
    expanded = await expand_entity(resolver, entity)
    survey = expanded[f"{DEFAULT}survey"][0][f"{NGSI}hasJSON"]
    assert survey == [{"@type": "@json", "@value": {"@context": "kept as is", "floors": [1, 2]}}]
    compacted = await compact_entity(resolver, expanded, None)
    assert compacted == {"@context": CORE_CONTEXT_URL, **entity}


async def test_names_without_a_term_compact_to_fully_qualified_names(
    resolver: ContextResolver,
) -> None:
    document = {"@context": [USER_CONTEXT, CORE_CONTEXT_URL], **AIR_QUALITY}
    expanded = await expand_entity(resolver, document, media_type="application/ld+json")
    compacted = await compact_entity(resolver, expanded, None)
    assert compacted["type"] == f"{SDM}AirQualityObserved"
    assert compacted[f"{SDM}NO2"]["value"] == 22.5
    assert compacted["airQualityLevel"]["value"] == "good"


async def test_the_core_context_always_wins(resolver: ContextResolver) -> None:
    redefining = {"location": {"@id": "https://example.org/location", "@type": "@id"},
                  "value": "https://example.org/value"}
    for context in ([redefining], [CORE_CONTEXT_URL, redefining]):
        document = {"@context": context, **AIR_QUALITY}
        expanded = await expand_entity(resolver, document, media_type="application/ld+json")
        assert expanded[f"{NGSI}location"] == EXPANDED[f"{NGSI}location"]


def test_where_the_context_comes_from() -> None:
    assert entity_context({"id": "urn:a"}, media_type="application/json",
                          link_context="https://example.org/c.jsonld") == (
        "https://example.org/c.jsonld")
    assert entity_context({"id": "urn:a"}, media_type="application/json", link_context=None) is None
    inline = {"@context": ["https://example.org/c.jsonld"], "id": "urn:a"}
    assert entity_context(inline, media_type="application/ld+json", link_context=None) == [
        "https://example.org/c.jsonld"]


@pytest.mark.parametrize(
    ("document", "media_type", "link", "hint"),
    [
        ({"@context": CORE_CONTEXT_URL, **AIR_QUALITY}, "application/json", None,
         "must not contain an @context"),
        ({"@context": CORE_CONTEXT_URL, **AIR_QUALITY}, "application/ld+json",
         "https://example.org/c.jsonld", "Link header is not allowed"),
        (AIR_QUALITY, "application/ld+json", None, "must contain an @context"),
        ([AIR_QUALITY], "application/json", None, "must be a JSON object"),
    ],
)
async def test_context_placement_rules_are_enforced(
    resolver: ContextResolver, document: Any, media_type: str, link: str | None, hint: str
) -> None:
    error = await expect_error(ErrorKind.BadRequestData, expand_entity(
        resolver, document, media_type=media_type, link_context=link))
    assert hint in error.detail


def deeply_nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(levels):
        value = {"inner": value}
    return value


@pytest.mark.parametrize(
    ("document", "hint"),
    [
        ({**AIR_QUALITY, "NO2": {"type": "Property", "value": 1, "@context": {"value": "x:y"}}},
         "only allowed at the top level"),
        ({**AIR_QUALITY, "address": {"type": "Property", "value": {"@context": {}, "a": 1}}},
         "only allowed at the top level"),
        ({**AIR_QUALITY, "deep": {"type": "Property", "value": deeply_nested(100)}},
         "nested deeper"),
        ({**AIR_QUALITY, "id": 5}, "invalid @id value"),
        ({**AIR_QUALITY, "type": {"not": "a type"}}, "invalid type value"),
        ({**AIR_QUALITY, "name": {"type": "LanguageProperty", "languageMap": {"en": 5}}},
         "invalid language map value"),
        ({"@graph": [AIR_QUALITY, {**AIR_QUALITY, "id": "urn:ngsi-ld:AirQualityObserved:2"}]},
         "more than one entity"),
    ],
)
async def test_invalid_documents_are_bad_request_data(
    resolver: ContextResolver, document: dict[str, Any], hint: str
) -> None:
    error = await expect_error(ErrorKind.BadRequestData, expand_entity(resolver, document))
    assert hint in error.detail


@pytest.mark.parametrize(
    ("context", "hint"),
    [
        ([5], "must be a URL or an object"),
        (["relative/context.jsonld"], "not an absolute http(s) URL"),
        ([{"@import": "relative.jsonld"}], "not an absolute http(s) URL"),
        ([{"NO2": {"@id": f"{SDM}NO2", "@context": {"value": "x:y"}}}], "scoped context"),
        ([{"@vocab": 7}], "invalid vocab mapping"),
        ([{"NO2": {"@id": 7}}], "invalid IRI mapping"),
    ],
)
async def test_invalid_user_contexts_are_bad_request_data(
    resolver: ContextResolver, context: Any, hint: str
) -> None:
    document = {"@context": context, **AIR_QUALITY}
    error = await expect_error(ErrorKind.BadRequestData, expand_entity(
        resolver, document, media_type="application/ld+json"))
    assert hint in error.detail


async def test_terms_expand_with_the_request_context(resolver: ContextResolver) -> None:
    names = ["AirQualityObserved", "NO2", "location", "airQualityLevel", f"{SDM}CO"]
    assert await expand_terms(resolver, names, [USER_CONTEXT]) == [
        f"{SDM}AirQualityObserved", f"{SDM}NO2", f"{NGSI}location",
        f"{DEFAULT}airQualityLevel", f"{SDM}CO",
    ]
    assert await expand_terms(resolver, [], None) == []


async def test_many_user_contexts_keep_the_core_context_cached(resolver: ContextResolver) -> None:
    # More user contexts than PyLD keeps per context by default (10): each still expands right.
    for index in range(30):
        context = [{"NO2": f"https://example.org/{index}/NO2"}]
        document = {"@context": context, **AIR_QUALITY}
        expanded = await expand_entity(resolver, document, media_type="application/ld+json")
        assert f"https://example.org/{index}/NO2" in expanded
