"""RFC 8785 JSON Canonicalization Scheme, for the subset signed entries use.

Objects, arrays, strings, integers, booleans and null. Floats are refused outright and integers
must lie within ±(2^53 - 1), where every JSON implementation reads them exactly, so the number
serialisation of RFC 8785 §3.2.2.3 reduces to plain decimal integers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from cityverse.modules.assets.identity.errors import CanonicalJsonError

MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 32

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')


def canonicalize(value: object) -> bytes:
    """The RFC 8785 UTF-8 bytes of ``value``."""
    parts: list[str] = []
    _write(value, parts, 0)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError:
        raise CanonicalJsonError("lone_surrogate", "strings must be valid Unicode") from None


def parse_canonical(data: bytes) -> Any:
    """Parse ``data`` and require it to be exactly the canonical form of what it holds."""
    value = parse_strict(data)
    if canonicalize(value) != data:
        raise CanonicalJsonError("non_canonical", "the JSON is valid but not in canonical form")
    return value


def parse_strict(data: bytes) -> Any:
    """Parse UTF-8 JSON, refusing duplicate keys, floats, NaN/Infinity and unsafe integers."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CanonicalJsonError("bad_utf8", "JSON text must be UTF-8") from None
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_float=_refuse_float,
            parse_int=_safe_int,
            parse_constant=_refuse_constant,
        )
    except CanonicalJsonError:
        raise
    except RecursionError:
        raise CanonicalJsonError("too_deep", "JSON nested too deeply") from None
    except ValueError as exc:
        raise CanonicalJsonError("bad_json", f"not valid JSON: {exc}") from None
    _check_depth(value, 0)
    return value


def _write(value: object, out: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise CanonicalJsonError("too_deep", f"JSON nested deeper than {MAX_DEPTH}")
    # bool before int: True is an int in Python.
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalJsonError("unsafe_integer", "integers must lie within ±(2^53 - 1)")
        out.append(str(int(value)))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, Mapping):
        out.append("{")
        keys = list(value)
        if not all(isinstance(key, str) for key in keys):
            raise CanonicalJsonError("bad_key", "object keys must be strings")
        for index, key in enumerate(sorted(keys, key=_utf16_units)):
            if index:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _write(value[key], out, depth + 1)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out, depth + 1)
        out.append("]")
    elif isinstance(value, float):
        raise CanonicalJsonError("float", "floating-point numbers are not allowed")
    else:
        raise CanonicalJsonError("bad_type", f"{type(value).__name__} is not a JSON value")


def _string(text: str) -> str:
    """ECMAScript JSON.stringify form: short escapes, other controls as lowercase \\u00xx."""
    if _NEEDS_ESCAPE.search(text) is None:  # the common case, and the hot path of opening
        return '"' + text + '"'
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def _utf16_units(key: str) -> bytes:
    # RFC 8785 §3.2.3 sorts by UTF-16 code units; big-endian UTF-16 bytes sort the same way.
    return key.encode("utf-16-be", "surrogatepass")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, item in pairs:
        if key in result:
            raise CanonicalJsonError("duplicate_key", f"duplicate object key {key!r}")
        result[key] = item
    return result


def _refuse_float(literal: str) -> Any:
    raise CanonicalJsonError("float", f"floating-point number {literal[:20]} is not allowed")


def _refuse_constant(literal: str) -> Any:
    raise CanonicalJsonError("float", f"{literal} is not allowed")


def _safe_int(literal: str) -> int:
    # Compare lengths first: a hostile 10,000-digit literal never reaches int().
    if len(literal.lstrip("-")) > 16 or abs(number := int(literal)) > MAX_SAFE_INTEGER:
        raise CanonicalJsonError("unsafe_integer", "integers must lie within ±(2^53 - 1)")
    return number


def _check_depth(value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise CanonicalJsonError("too_deep", f"JSON nested deeper than {MAX_DEPTH}")
    if isinstance(value, dict):
        for item in value.values():
            _check_depth(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_depth(item, depth + 1)
