"""Standard base64 (RFC 4648 §4), decoded strictly: one encoding per value, nothing tolerated."""

from __future__ import annotations

import base64
import binascii


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode_strict(text: str) -> bytes:
    """Decode padded standard base64; reject other alphabets, whitespace and stray bits.

    Re-encoding and comparing catches the non-zero trailing bits that ``b64decode`` ignores,
    so a signed value cannot be written two ways.
    """
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise ValueError(f"not valid base64: {exc}") from None
    if b64encode(data) != text:
        raise ValueError("not canonical base64")
    return data
