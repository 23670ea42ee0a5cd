"""Inspect @context values before JSON-LD processing: normalise them, list the remote contexts
they pull in, and enforce the NGSI-LD limits on user contexts (clause 5.5.7).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError

# A context item is a URL or an inline context object.
ContextItem = str | dict[str, Any]
ContextValue = ContextItem | list[ContextItem] | None


def context_items(value: Any) -> list[ContextItem]:
    """A request's @context as a list of URLs and objects; anything else is BadRequestData."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            check_context_url(item)
        elif isinstance(item, dict):
            check_user_context_object(item)
        else:
            raise NgsiLdError(
                ErrorKind.BadRequestData,
                f"an @context entry must be a URL or an object, not {type(item).__name__}",
            )
    return list(items)


def check_context_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NgsiLdError(
            ErrorKind.BadRequestData,
            f"the @context reference {url!r} is not an absolute http(s) URL",
        )


def check_user_context_object(context: dict[str, Any]) -> None:
    """Scoped contexts could redefine core terms such as `value` inside an attribute, which
    the protected core @context cannot prevent; NGSI-LD forbids them in user contexts."""
    for term, definition in context.items():
        if isinstance(definition, dict) and "@context" in definition:
            raise NgsiLdError(
                ErrorKind.BadRequestData,
                f"the user @context defines a scoped context for {term!r}, "
                "which NGSI-LD does not allow",
            )


def check_user_context_document(url: str, document: dict[str, Any]) -> None:
    """The same rule for a downloaded context document."""
    value = document.get("@context")
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            try:
                check_user_context_object(item)
            except NgsiLdError as exc:
                raise NgsiLdError(ErrorKind.BadRequestData, f"{url}: {exc.detail}") from None


def referenced_urls(value: Any, base: str) -> list[str]:
    """Remote contexts a context value loads: URL entries and `@import`s, made absolute
    against the URL of the document that holds them (JSON-LD 1.1 API, 4.1.2)."""
    found: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            found.append(urljoin(base, item))
        elif isinstance(item, dict):
            imported = item.get("@import")
            if isinstance(imported, str):
                found.append(urljoin(base, imported))
            for definition in item.values():
                if isinstance(definition, dict) and "@context" in definition:
                    found.extend(referenced_urls(definition["@context"], base))
    return found


def make_references_absolute(value: Any, base: str) -> Any:
    """`value` with its context references resolved against `base`, changed in place.

    PyLD resolves a relative `@import` against the document being processed instead of the
    context that holds it, so the loader hands PyLD copies with absolute references only.
    """
    if isinstance(value, str):
        return urljoin(base, value)
    if isinstance(value, list):
        return [make_references_absolute(item, base) for item in value]
    if isinstance(value, dict):
        if isinstance(value.get("@import"), str):
            value["@import"] = urljoin(base, value["@import"])
        for definition in value.values():
            if isinstance(definition, dict) and "@context" in definition:
                definition["@context"] = make_references_absolute(definition["@context"], base)
    return value
