from __future__ import annotations

import pytest

from cityverse.modules.twin.ngsild import (
    ErrorKind,
    MediaTypeError,
    NgsiLdError,
    context_link_header,
    parse_link_header,
    request_media_type,
    response_media_type,
)

CTX = "https://smartdatamodels.org/context.jsonld"
REL = 'rel="http://www.w3.org/ns/json-ld#context"'


@pytest.mark.parametrize(
    ("content_type", "merge_patch", "expected"),
    [
        ("application/json", False, "application/json"),
        ("application/ld+json", False, "application/ld+json"),
        ("Application/JSON; charset=utf-8", False, "application/json"),
        ("application/merge-patch+json", True, "application/json"),
    ],
)
def test_request_media_types(content_type: str, merge_patch: bool, expected: str) -> None:
    assert request_media_type(content_type, merge_patch=merge_patch) == expected


@pytest.mark.parametrize("content_type", [None, "", "text/plain", "application/merge-patch+json"])
def test_other_request_media_types_are_415(content_type: str | None) -> None:
    with pytest.raises(MediaTypeError) as caught:
        request_media_type(content_type)
    assert caught.value.status == 415


@pytest.mark.parametrize(
    ("accept", "geojson", "expected"),
    [
        (None, False, "application/json"),
        ("", False, "application/json"),
        ("*/*", False, "application/json"),
        ("application/*", False, "application/json"),
        ("application/ld+json", False, "application/ld+json"),
        ("application/json;q=0.5, application/ld+json", False, "application/ld+json"),
        ("application/ld+json;q=0.9, */*;q=0.1", False, "application/ld+json"),
        ("text/html, application/json;q=0.2", False, "application/json"),
        ("application/geo+json", True, "application/geo+json"),
        ("application/geo+json, application/json;q=0.8", True, "application/geo+json"),
        ("*/*", True, "application/json"),
    ],
)
def test_response_media_type_follows_weights_then_spec_order(
    accept: str | None, geojson: bool, expected: str
) -> None:
    assert response_media_type(accept, geojson=geojson) == expected


@pytest.mark.parametrize(
    ("accept", "geojson"),
    [("text/html", False), ("application/geo+json", False), ("application/json;q=0", False),
     ("application/*;q=0, text/*", True)],
)
def test_nothing_acceptable_is_406(accept: str, geojson: bool) -> None:
    with pytest.raises(MediaTypeError) as caught:
        response_media_type(accept, geojson=geojson)
    assert caught.value.status == 406


@pytest.mark.parametrize(
    "header",
    [
        f'<{CTX}>; {REL}; type="application/ld+json"',
        f"<{CTX}>;{REL};type=application/ld+json",
        f"<{CTX}>; {REL}",
        f' <{CTX}> ; rel="http://www.w3.org/ns/json-ld#context" ; type="application/ld+json" ',
        f'<https://example.org/page2>; rel="next", <{CTX}>; {REL}; type="application/ld+json"',
        f'<{CTX}>; rel="alternate http://www.w3.org/ns/json-ld#context"',
        ['<https://example.org/page2>; rel="next"', f"<{CTX}>; {REL}"],
    ],
)
def test_link_header_good_forms(header: str | list[str]) -> None:
    assert parse_link_header(header) == CTX


@pytest.mark.parametrize("header", [None, "", f'<{CTX}>; rel="describedby"'])
def test_no_context_link_means_the_default_context(header: str | None) -> None:
    assert parse_link_header(header) is None


@pytest.mark.parametrize(
    ("header", "kind", "hint"),
    [
        (f"{CTX}; {REL}", ErrorKind.InvalidRequest, "malformed"),
        (f"<{CTX}> {REL}", ErrorKind.InvalidRequest, "malformed"),
        (f"<{CTX}; {REL}", ErrorKind.InvalidRequest, "malformed"),
        (f'<{CTX}>; {REL}; type="text/html"', ErrorKind.BadRequestData, "type="),
        (f"<{CTX}>; {REL}, <https://example.org/b.jsonld>; {REL}", ErrorKind.BadRequestData,
         "more than one"),
        (f"</contexts/mine.jsonld>; {REL}", ErrorKind.BadRequestData, "absolute"),
        (f"<urn:ngsi-ld:context:1>; {REL}", ErrorKind.BadRequestData, "absolute"),
    ],
)
def test_link_header_bad_forms(header: str, kind: ErrorKind, hint: str) -> None:
    with pytest.raises(NgsiLdError) as caught:
        parse_link_header(header)
    assert caught.value.kind is kind
    assert hint in caught.value.detail


def test_the_response_link_header_parses_back() -> None:
    header = context_link_header(CTX)
    assert header == f'<{CTX}>; {REL}; type="application/ld+json"'
    assert parse_link_header(header) == CTX
