from __future__ import annotations

import json

import pytest

from cityverse.modules.assets.identity import CanonicalJsonError, canonicalize, parse_canonical
from cityverse.modules.assets.identity.jcs import MAX_SAFE_INTEGER, parse_strict

# RFC 8785 §3.2.3: keys sort by UTF-16 code units, so U+1F600 (a surrogate pair starting
# D83D) sorts before U+FB33.
SORTING_INPUT = (
    '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With '
    'Dagesh", "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", '
    '"\\u00f6": "Latin Small Letter O With Diaeresis"}'
)
SORTING_ORDER = ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]

# RFC 8785 §3.2.2 without its "numbers" member (floats are outside the subset we accept).
STRINGS_INPUT = (
    '{\n  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n'
    '  "literals": [null, true, false]\n}'
)
STRINGS_OUTPUT = '{"literals":[null,true,false],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'


def _nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


def test_rfc8785_sorting_example() -> None:
    output = canonicalize(parse_strict(SORTING_INPUT.encode()))
    assert list(json.loads(output)) == SORTING_ORDER


def test_rfc8785_string_and_literal_example() -> None:
    assert canonicalize(parse_strict(STRINGS_INPUT.encode())) == STRINGS_OUTPUT.encode()


def test_rfc8785_full_example_is_refused_for_its_floats() -> None:
    with pytest.raises(CanonicalJsonError) as raised:
        parse_strict(
            b'{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001]}'
        )
    assert raised.value.code == "float"


def test_control_characters_use_lowercase_hex_and_short_escapes() -> None:
    assert (
        canonicalize('\x00\x1f\x7f\b\t\n\f\r"\\/') == b'"\\u0000\\u001f\x7f\\b\\t\\n\\f\\r\\"\\\\/"'
    )


def test_integers_and_nesting() -> None:
    value = {"b": [1, -2, 0, MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER], "a": {"z": None, "y": True}}
    expected = b'{"a":{"y":true,"z":null},"b":[1,-2,0,9007199254740991,-9007199254740991]}'
    assert canonicalize(value) == expected
    assert parse_canonical(expected) == value


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (1.0, "float"),
        (float("nan"), "float"),
        (MAX_SAFE_INTEGER + 1, "unsafe_integer"),
        (-(2**64), "unsafe_integer"),
        ({1: "x"}, "bad_key"),
        ({"a": b"bytes"}, "bad_type"),
        ("\ud800", "lone_surrogate"),
        (_nested(40), "too_deep"),
    ],
)
def test_values_outside_the_subset_are_refused(value: object, code: str) -> None:
    with pytest.raises(CanonicalJsonError) as raised:
        canonicalize(value)
    assert raised.value.code == code


CANONICAL = '{"a":"€A/","b":[1,true]}'.encode()
NON_CANONICAL = [
    (b'{"a":"\xe2\x82\xac","b":[1,true]} ', "non_canonical"),
    (b'{"a": "\xe2\x82\xacA/","b":[1,true]}', "non_canonical"),
    (b'{"b":[1,true],"a":"\xe2\x82\xacA/"}', "non_canonical"),
    (b'{"a":"\\u20acA/","b":[1,true]}', "non_canonical"),
    (b'{"a":"\\u20ACA/","b":[1,true]}', "non_canonical"),
    (b'{"a":"\xe2\x82\xac\\u0041/","b":[1,true]}', "non_canonical"),
    (b'{"a":"\xe2\x82\xacA\\/","b":[1,true]}', "non_canonical"),
    (b'{"\\u0061":"\xe2\x82\xacA/","b":[1,true]}', "non_canonical"),
    (b'{"a":"\xe2\x82\xacA/","b":[-0,true]}', "non_canonical"),
    (b'\xef\xbb\xbf{"a":"\xe2\x82\xacA/","b":[1,true]}', "bad_json"),
    (b'{"a":"x","a":"\xe2\x82\xacA/","b":[1,true]}', "duplicate_key"),
    (b'{"a":"\xe2\x82\xacA/","b":[1.0,true]}', "float"),
    (b'{"a":"\xe2\x82\xacA/","b":[1e0,true]}', "float"),
    (b'{"a":"\xe2\x82\xacA/","b":[NaN,true]}', "float"),
    (b'{"a":"\xe2\x82\xacA/","b":[Infinity,true]}', "float"),
    (b'{"a":"\xe2\x82\xacA/","b":[9007199254740992,true]}', "unsafe_integer"),
    (b'{"a":"\xe2\x82\xacA/","b":[' + b"9" * 5000 + b",true]}", "unsafe_integer"),
    (b'{"a":"\xe2\x82\xacA/","b":[01,true]}', "bad_json"),
    (b'{"a":"\\ud800","b":[1,true]}', "lone_surrogate"),
    (b'{"a":"\xff","b":[1,true]}', "bad_utf8"),
    (b"[" * 40 + b"]" * 40, "too_deep"),
    (b"[" * 100_000 + b"]" * 100_000, "too_deep"),
]


def test_the_canonical_form_is_accepted() -> None:
    assert parse_canonical(CANONICAL) == {"a": "€A/", "b": [1, True]}


@pytest.mark.parametrize(("data", "code"), NON_CANONICAL)
def test_every_other_form_of_the_same_value_is_refused(data: bytes, code: str) -> None:
    with pytest.raises(CanonicalJsonError) as raised:
        parse_canonical(data)
    assert raised.value.code == code
