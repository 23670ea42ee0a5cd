"""The NGSI-LD query language (`q`, clause 4.9): parsed once into a tree, attribute names
expanded with the request's @context, then evaluated against stored entities.

Precedence: `;` (and) binds tighter than `|` (or); parentheses group. Values are numbers,
"quoted strings", true/false, date-times, URIs, ranges `a..b` and lists `a,b` (== and != only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cityverse.modules.twin.ngsild.entity import StoredEntity, parse_datetime
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError
from cityverse.modules.twin.ngsild.terms import ATTRIBUTE_MEMBERS, TermMap

MAX_QUERY_LENGTH = 2000
_OPERATORS = ("==", "!=", ">=", "<=", "!~=", "~=", ">", "<")
_NAME = re.compile(r"[A-Za-z_@][\w:/#.\-@]*")
_VALUE_END = re.compile(r"[;|)]")


def invalid(detail: str) -> NgsiLdError:
    return NgsiLdError(ErrorKind.InvalidRequest, f"invalid q: {detail}")


@dataclass
class Path:
    names: list[str]  # attribute, then sub-attributes or members
    keys: list[str]  # inside the value's JSON object: a[b][c]
    iris: list[str] | None = None


@dataclass
class Term:
    path: Path
    operator: str | None = None
    value: Any = None


@dataclass
class Junction:
    operator: str  # ";" or "|"
    parts: list[Node]


Node = Term | Junction


def parse_q(text: str) -> Node:
    if len(text) > MAX_QUERY_LENGTH:
        raise NgsiLdError(ErrorKind.TooComplexQuery, "the query is longer than 2000 characters")
    parser = _Parser(text)
    node = parser.expression()
    if parser.position != len(text):
        raise invalid(f"unexpected {text[parser.position:]!r}")
    return node


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def expression(self) -> Node:
        parts = [self.conjunction()]
        while self._take("|"):
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Junction("|", parts)

    def conjunction(self) -> Node:
        parts = [self.factor()]
        while self._take(";"):
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else Junction(";", parts)

    def factor(self) -> Node:
        if self._take("("):
            node = self.expression()
            if not self._take(")"):
                raise invalid("a parenthesis is not closed")
            return node
        path = self.path()
        for operator in _OPERATORS:
            if self.text.startswith(operator, self.position):
                self.position += len(operator)
                return Term(path, operator, self.value(operator))
        return Term(path)

    def path(self) -> Path:
        match = _NAME.match(self.text, self.position)
        if match is None:
            raise invalid(f"an attribute name is expected at position {self.position}")
        self.position = match.end()
        keys: list[str] = []
        while self._take("["):
            end = self.text.find("]", self.position)
            if end < 0:
                raise invalid("a [ is not closed")
            keys.append(self.text[self.position:end])
            self.position = end + 1
        return Path(names=match.group().split("."), keys=keys)

    def value(self, operator: str) -> Any:
        start = self.position
        if self.text.startswith('"', start):
            end = start + 1
            while end < len(self.text) and self.text[end] != '"':
                end += 2 if self.text[end] == "\\" else 1
            if end >= len(self.text):
                raise invalid("a quoted string is not closed")
            self.position = end + 1
            raw = self.text[start:self.position]
            if self.position < len(self.text) and self.text[self.position] in ",.":
                self.position = self._end_of_value()
                raw = self.text[start:self.position]
        else:
            self.position = self._end_of_value()
            raw = self.text[start:self.position]
        if not raw:
            raise invalid(f"a value is expected after {operator}")
        if operator in ("~=", "!~="):
            try:
                return re.compile(_unquote(raw))
            except re.error as exc:
                raise invalid(f"bad pattern {raw!r}: {exc}") from exc
        if ".." in raw and operator in ("==", "!="):
            low, _, high = raw.partition("..")
            return (_literal(low), _literal(high))
        if "," in raw and operator in ("==", "!="):
            return [_literal(item) for item in _split_list(raw)]
        return _literal(raw)

    def _end_of_value(self) -> int:
        match = _VALUE_END.search(self.text, self.position)
        return match.start() if match else len(self.text)

    def _take(self, token: str) -> bool:
        if self.text.startswith(token, self.position):
            self.position += len(token)
            return True
        return False


def _split_list(raw: str) -> list[str]:
    return [item for item in re.findall(r'"(?:[^"\\]|\\.)*"|[^,]+', raw)]


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return raw[1:-1].replace('\\"', '"')
    return raw


def _literal(raw: str) -> Any:
    if raw.startswith('"'):
        return _unquote(raw)
    if raw in ("true", "false"):
        return raw == "true"
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        return float(raw)
    except ValueError:
        pass
    if re.match(r"^\d{4}-\d{2}-\d{2}T", raw):
        return parse_datetime(raw, "a date-time in q")
    return raw  # a URI or bare word compares as a string


async def expand_paths(node: Node, terms: TermMap) -> None:
    """Attribute and sub-attribute names of the tree become IRIs (members stay as they are)."""
    for term in _terms(node):
        names = term.path.names
        expandable = [n for n in names if n not in ATTRIBUTE_MEMBERS]
        iris = iter(await terms.expand(expandable))
        term.path.iris = [n if n in ATTRIBUTE_MEMBERS else next(iris) for n in names]


def attribute_iris(node: Node) -> set[str]:
    return {term.path.iris[0] for term in _terms(node) if term.path.iris}


def _terms(node: Node) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    return [term for part in node.parts for term in _terms(part)]


def matches(node: Node, entity: StoredEntity) -> bool:
    if isinstance(node, Junction):
        results = (matches(part, entity) for part in node.parts)
        return all(results) if node.operator == ";" else any(results)
    values = _values(node.path, entity)
    if node.operator is None:
        return bool(values)
    return any(_compare(value, node.operator, node.value) for value in values)


def _values(path: Path, entity: StoredEntity) -> list[Any]:
    iris = path.iris or path.names
    found: list[Any] = []
    for instance in entity.attrs.get(iris[0], []):
        current: Any = instance
        for name in iris[1:]:
            current = current.get(name) if isinstance(current, dict) else None
            if current is None:
                break
        if current is None:
            continue
        value = _attribute_value(current) if isinstance(current, dict) and "type" in current \
            else current
        for key in path.keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None:
            found.extend(value if isinstance(value, list) and not path.keys else [value])
    return found


def _attribute_value(instance: dict[str, Any]) -> Any:
    for key in ("value", "object", "languageMap", "valueList", "objectList", "json", "vocab"):
        if key in instance:
            value = instance[key]
            if key == "languageMap" and isinstance(value, dict):
                return list(value.values())
            return value
    return None


def _compare(actual: Any, operator: str, expected: Any) -> bool:
    if operator in ("~=", "!~="):
        hit = isinstance(actual, str) and expected.search(actual) is not None
        return hit if operator == "~=" else not hit
    if isinstance(expected, tuple):
        inside = _ordered(actual, expected[0], ">=") and _ordered(actual, expected[1], "<=")
        return inside if operator == "==" else not inside
    if isinstance(expected, list):
        hit = any(_equal(actual, item) for item in expected)
        return hit if operator == "==" else not hit
    if operator == "==":
        return _equal(actual, expected)
    if operator == "!=":
        return not _equal(actual, expected)
    return _ordered(actual, expected, operator)


def _coerce(actual: Any, expected: Any) -> Any:
    if isinstance(expected, datetime) and isinstance(actual, str):
        try:
            return parse_datetime(actual, "value")
        except NgsiLdError:
            return None
    return actual


def _equal(actual: Any, expected: Any) -> bool:
    actual = _coerce(actual, expected)
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    return bool(actual == expected)


def _ordered(actual: Any, expected: Any, operator: str) -> bool:
    actual = _coerce(actual, expected)
    numeric = (int, float)
    comparable = (
        (isinstance(actual, numeric) and not isinstance(actual, bool)
         and isinstance(expected, numeric) and not isinstance(expected, bool))
        or (isinstance(actual, str) and isinstance(expected, str))
        or (isinstance(actual, datetime) and isinstance(expected, datetime))
    )
    if not comparable:
        return False
    if operator == ">":
        return bool(actual > expected)
    if operator == "<":
        return bool(actual < expected)
    if operator == ">=":
        return bool(actual >= expected)
    return bool(actual <= expected)
