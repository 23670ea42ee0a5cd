from __future__ import annotations

import os

import pytest

from cityverse.modules.assets.identity import base58

# Bitcoin Core base58_encode_decode.json, and draft-msporny-base58 examples.
VECTORS = [
    ("", ""),
    ("61", "2g"),
    ("626262", "a3gV"),
    ("636363", "aPEr"),
    ("73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"),
    ("00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"),
    ("516b6fcd0f", "ABnLTmg"),
    ("bf4f89001e670274dd", "3SEo3LWLoPntC"),
    ("572e4794", "3EFU7m"),
    ("ecac89cad93923c02321", "EJDM8drfXA6uyA"),
    ("10c8511e", "Rt5zm"),
    ("00000000000000000000", "1111111111"),
    (b"Hello World!".hex(), "2NEpo7TZRRrLZSi2U"),
    ("0000287fb4cd", "11233QC4"),
]


@pytest.mark.parametrize(("hex_bytes", "text"), VECTORS)
def test_known_vectors(hex_bytes: str, text: str) -> None:
    assert base58.encode(bytes.fromhex(hex_bytes)) == text
    assert base58.decode(text) == bytes.fromhex(hex_bytes)


def test_round_trip_keeps_leading_zero_bytes() -> None:
    for size in range(40):
        for zeros in (0, 1, 3):
            data = b"\0" * zeros + os.urandom(size)
            assert base58.decode(base58.encode(data)) == data


@pytest.mark.parametrize("text", ["0", "O", "I", "l", "abc+", "2g ", " 2g", "2g\n", "é"])
def test_characters_outside_the_alphabet_are_refused(text: str) -> None:
    with pytest.raises(base58.Base58Error):
        base58.decode(text)


def test_each_leading_one_is_one_zero_byte() -> None:
    assert base58.decode("12g") == b"\0a"
    assert base58.decode("112g") == b"\0\0a"
