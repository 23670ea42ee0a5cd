"""The common forms of `q` (clause 4.9) as SQL over the entities' JSON, so that the database
filters, pages and counts instead of Python reading every candidate.

Translated, with exactly the semantics of ngsild.query.matches: comparisons (== > >= < <=)
of an attribute's value with a number, a string or (== only) a boolean, ranges `a..b`, lists
`a,b`, existence, and `;`/`|` of those. Left to Python: `!=`, patterns (~=), date-times,
sub-attributes and value keys (a.b, a[b]). A `;` whose parts are partly translated narrows in
SQL and the whole expression is still checked in Python; a `|` is translated whole or not.

An attribute's values, as ngsild.query reads them: for each instance, the first member present
among value, object, languageMap, valueList, objectList, json, vocab; a JSON null is skipped,
an array gives its elements, a languageMap its strings, anything else itself.

The SQL text is assembled only from constants and generated parameter names; every value from
the query travels as a bound parameter (hence the S608 exemptions below).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, text

from cityverse.modules.twin.ngsild.query import Node, Term

MEMBERS = ("value", "object", "languageMap", "valueList", "objectList", "json", "vocab")
ORDERING = {"==": "=", ">": ">", ">=": ">=", "<": "<", "<=": "<="}
Test = tuple[str, dict[str, Any]]  # SQL over the element `qe`, with its parameters
NEVER: Test = ("FALSE", {})  # a test that can never hold (compared by identity)


@dataclass
class Translated:
    clause: ColumnElement[bool]
    exact: bool  # False: the clause only narrows; the Python check must still run


def translate(node: Node, dialect: str) -> Translated | None:
    """SQL for the q tree on this dialect ("sqlite" or "postgresql"), or None."""
    return _Translator(dialect).node(node)


class _Translator:
    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.names = itertools.count()

    def node(self, node: Node) -> Translated | None:
        if isinstance(node, Term):
            clause = self.term(node)
            return None if clause is None else Translated(clause, exact=True)
        parts = [self.node(part) for part in node.parts]
        if node.operator == "|":
            if any(part is None for part in parts):
                return None
            return Translated(or_(*(p.clause for p in parts if p is not None)),
                              exact=all(p is not None and p.exact for p in parts))
        known = [part for part in parts if part is not None]
        if not known:
            return None
        return Translated(and_(*(p.clause for p in known)),
                          exact=len(known) == len(parts) and all(p.exact for p in known))

    def term(self, term: Term) -> ColumnElement[bool] | None:
        path = term.path
        if path.keys or path.iris is None or len(path.iris) != 1:
            return None
        iri = path.iris[0]
        if '"' in iri or "\\" in iri:
            return None
        if term.operator is None:
            return self._exists(iri, None, {})
        if term.operator not in ORDERING:
            return None
        tests = self._element_tests(term.operator, term.value)
        if tests is None:
            return None
        if not tests:
            return false()
        condition = " OR ".join(f"({sql})" for sql, _ in tests)
        params = {name: value for _, bound in tests for name, value in bound.items()}
        return self._exists(iri, condition, params)

    def _element_tests(
        self, operator: str, expected: Any
    ) -> list[Test] | None:
        """One SQL test per alternative (lists give several); [] when nothing can match."""
        if isinstance(expected, tuple):  # a range, == only (!= is not translated)
            low = self._compare(">=", expected[0])
            high = self._compare("<=", expected[1])
            if low is None or high is None:
                return None
            if low is NEVER or high is NEVER:
                return []
            return [(f"{low[0]} AND {high[0]}", {**low[1], **high[1]})]
        alternatives = expected if isinstance(expected, list) else [expected]
        tests = []
        for value in alternatives:
            test = self._compare(operator, value)
            if test is None:
                return None
            if test is not NEVER:
                tests.append(test)
        return tests

    def _compare(
        self, operator: str, expected: Any
    ) -> Test | None:
        """The test of one element against one value; NEVER when it can never hold."""
        name = f"qv{next(self.names)}"
        sqlite = self.dialect == "sqlite"
        if isinstance(expected, bool):
            if operator != "==":
                return NEVER  # booleans are not ordered: never true in Python either
            kind = ("true" if expected else "false") if sqlite else "boolean"
            if sqlite:
                return (f"qe.type = '{kind}'", {})
            return (f"json_typeof(qe.e) = 'boolean' AND qe.e::text = '{str(expected).lower()}'",
                    {})
        symbol = ORDERING[operator]
        if isinstance(expected, int | float):
            if sqlite:
                return (f"qe.type IN ('integer', 'real') AND qe.value {symbol} :{name}",
                        {name: expected})
            return (f"(CASE WHEN json_typeof(qe.e) = 'number' THEN (qe.e #>> '{{}}')::float8 "
                    f"END) {symbol} CAST(:{name} AS float8)", {name: float(expected)})
        if isinstance(expected, str):
            if sqlite:
                return (f"qe.type = 'text' AND qe.value {symbol} :{name}", {name: expected})
            # COLLATE "C": code point order, as Python compares strings.
            return (f"(CASE WHEN json_typeof(qe.e) = 'string' THEN qe.e #>> '{{}}' END) "
                    f"COLLATE \"C\" {symbol} CAST(:{name} AS text)", {name: expected})
        return None  # date-times compare after parsing: Python does it

    def _exists(
        self, iri: str, condition: str | None, params: dict[str, Any]
    ) -> ColumnElement[bool]:
        name = f"qa{next(self.names)}"
        if self.dialect == "sqlite":
            sql = _sqlite_exists(name, condition)
            params = {**params, name: f'$."{iri}"'}
        else:
            sql = _postgres_exists(name, condition)
            params = {**params, name: iri}
        return text(sql).bindparams(**params)  # type: ignore[return-value]


def _sqlite_member(instance: str) -> str:
    whens = " ".join(f"WHEN json_type({instance}, '$.{m}') IS NOT NULL THEN '$.{m}'"
                     for m in MEMBERS)
    return f"(CASE {whens} END)"


def _sqlite_exists(param: str, condition: str | None) -> str:
    member = _sqlite_member("qi.value")
    kind = f"json_type(qi.value, {member})"
    if condition is None:
        # Present and giving at least one value: an instance without a type is itself the
        # value; a non-empty array or languageMap; any other non-null member.
        return (f"EXISTS (SELECT 1 FROM json_each(twin_entities.attrs, :{param}) AS qi "  # noqa: S608
                f"WHERE json_type(qi.value, '$.type') IS NULL "
                f"OR ({kind} IS NOT NULL AND {kind} != 'null' AND ("
                f"{kind} NOT IN ('array', 'object') "
                f"OR ({kind} = 'object' AND {member} != '$.languageMap') "
                f"OR EXISTS (SELECT 1 FROM json_each(qi.value, {member})))))")
    # Elements: json_each over a scalar gives the scalar itself, over an array its items,
    # over an object its member values (wanted only for a languageMap).
    return (f"EXISTS (SELECT 1 FROM json_each(twin_entities.attrs, :{param}) AS qi, "  # noqa: S608
            f"json_each(qi.value, {member}) AS qe "
            f"WHERE json_type(qi.value, '$.type') IS NOT NULL "
            f"AND ({kind} != 'object' OR {member} = '$.languageMap') AND ({condition}))")


def _postgres_exists(param: str, condition: str | None) -> str:
    member_name = " ".join(f"WHEN qi.i -> '{m}' IS NOT NULL THEN '{m}'" for m in MEMBERS)
    instances = (f"json_array_elements(CASE WHEN json_typeof(twin_entities.attrs -> "
                 f"CAST(:{param} AS text)) = 'array' THEN twin_entities.attrs -> "
                 f"CAST(:{param} AS text) END) AS qi(i) "
                 f"CROSS JOIN LATERAL (SELECT CASE {member_name} END AS k) AS qk "
                 f"CROSS JOIN LATERAL (SELECT qi.i -> qk.k AS m) AS qm")
    if condition is None:
        return (f"EXISTS (SELECT 1 FROM {instances} WHERE qi.i -> 'type' IS NULL "  # noqa: S608
                f"OR (qm.m IS NOT NULL AND json_typeof(qm.m) != 'null' AND ("
                f"json_typeof(qm.m) NOT IN ('array', 'object') "
                f"OR (json_typeof(qm.m) = 'object' AND qk.k != 'languageMap') "
                f"OR (json_typeof(qm.m) = 'array' AND json_array_length(qm.m) > 0) "
                f"OR (json_typeof(qm.m) = 'object' AND EXISTS (SELECT 1 FROM json_each(qm.m))))))")
    elements = ("CROSS JOIN LATERAL json_array_elements(CASE "
                "WHEN json_typeof(qm.m) = 'array' THEN qm.m "
                "WHEN json_typeof(qm.m) = 'object' AND qk.k = 'languageMap' "
                "THEN (SELECT json_agg(l.value) FROM json_each(qm.m) AS l) "
                "WHEN json_typeof(qm.m) = 'object' THEN NULL "
                "ELSE json_build_array(qm.m) END) AS qe(e)")
    return (f"EXISTS (SELECT 1 FROM {instances} {elements} "  # noqa: S608
            f"WHERE qi.i -> 'type' IS NOT NULL AND ({condition}))")
