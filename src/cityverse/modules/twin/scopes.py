"""Scope queries (`scopeQ`, clause 4.19): `/a/b` matches that scope, `/a/+` one level below
`/a`, `/a/#` `/a` and everything below; `,` is or, `;` is and."""

from __future__ import annotations

import re
from collections.abc import Callable

from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError

_PART = re.compile(r"^/([^\s/;,()]+|\+|#)(/([^\s/;,()]+|\+|#))*$")


def scope_matcher(query: str) -> Callable[[list[str]], bool]:
    alternatives = [
        [_one(term) for term in group.split(";")] for group in query.split(",")
    ]

    def test(scopes: list[str]) -> bool:
        return any(all(any(p(s) for s in scopes) for p in group) for group in alternatives)

    return test


def _one(term: str) -> Callable[[str], bool]:
    if not _PART.match(term):
        raise NgsiLdError(ErrorKind.BadRequestData, f"bad scopeQ term {term!r}")
    parts = term.split("/")[1:]
    if "#" in parts[:-1]:
        raise NgsiLdError(ErrorKind.BadRequestData, "# may only end a scopeQ term")
    pattern = "".join(
        "(/[^/]+)*" if part == "#" else "/[^/]+" if part == "+" else "/" + re.escape(part)
        for part in parts
    )
    compiled = re.compile(f"^{pattern}$")
    return lambda scope: compiled.match(scope) is not None
