"""Base58btc (the Bitcoin alphabet), as multibase prefix ``z`` uses it.

Leading zero bytes are written as leading ``1`` characters, the rest as a big-endian number.
That makes the encoding a bijection, but decoders elsewhere differ on the edge cases, so
``decode`` still checks that re-encoding gives back the input exactly.
"""

from __future__ import annotations

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(ALPHABET)}


class Base58Error(ValueError):
    """The text is not base58btc."""


def encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def decode(text: str) -> bytes:
    number = 0
    for char in text:
        value = _INDEX.get(char)
        if value is None:
            raise Base58Error(f"{char!r} is not a base58btc character")
        number = number * 58 + value
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    data = b"\0" * zeros + body
    if encode(data) != text:
        raise Base58Error("not the canonical base58btc form")
    return data
