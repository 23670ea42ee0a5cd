"""Entities as the API answers them (clause 4.5): normalized, concise or keyValues (simplified),
with or without system attributes, limited to the asked attributes, and with language maps
reduced to one language when `lang` is given (clause 4.15)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cityverse.modules.twin.ngsild.entity import Instance, StoredEntity, iso
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError
from cityverse.modules.twin.ngsild.terms import ATTRIBUTE_MEMBERS, TermMap

_SYS = ("createdAt", "modifiedAt")
_VALUE_KEYS = ("value", "object", "languageMap", "valueList", "objectList", "json", "vocab")


class Format(StrEnum):
    NORMALIZED = "normalized"
    CONCISE = "concise"
    KEY_VALUES = "keyValues"


@dataclass(frozen=True)
class View:
    format: Format = Format.NORMALIZED
    sys_attrs: bool = False
    attrs: frozenset[str] | None = None  # expanded names to keep; None keeps all
    omit: frozenset[str] = frozenset()
    lang: str | None = None


def parse_options(raw: str | None, format_param: str | None) -> tuple[Format, bool]:
    """`options` (comma separated) and `format` query parameters (clause 6.3.7)."""
    words = [w for w in (raw or "").split(",") if w]
    known = {"keyValues", "simplified", "concise", "normalized", "sysAttrs", "count"}
    for word in words:
        if word not in known:
            raise NgsiLdError(ErrorKind.BadRequestData, f"unknown option {word!r}")
    fmt = Format.NORMALIZED
    if "keyValues" in words or "simplified" in words:
        fmt = Format.KEY_VALUES
    elif "concise" in words:
        fmt = Format.CONCISE
    if format_param is not None:
        aliases = {"simplified": Format.KEY_VALUES, "keyValues": Format.KEY_VALUES,
                   "concise": Format.CONCISE, "normalized": Format.NORMALIZED}
        if format_param not in aliases:
            raise NgsiLdError(ErrorKind.BadRequestData, f"unknown format {format_param!r}")
        fmt = aliases[format_param]
    return fmt, "sysAttrs" in words


async def render(entity: StoredEntity, terms: TermMap, view: View) -> dict[str, Any]:
    kept = [
        iri for iri in entity.attrs
        if (view.attrs is None or iri in view.attrs) and iri not in view.omit
    ]
    short_types = await terms.compact(entity.types)
    short_names = await terms.compact(kept)
    out: dict[str, Any] = {
        "id": entity.id,
        "type": short_types[0] if len(short_types) == 1 else short_types,
    }
    if entity.scopes:
        out["scope"] = entity.scopes[0] if len(entity.scopes) == 1 else entity.scopes
    if view.sys_attrs and view.format is not Format.KEY_VALUES:
        if entity.created_at is not None:
            out["createdAt"] = iso(entity.created_at)
        if entity.modified_at is not None:
            out["modifiedAt"] = iso(entity.modified_at)
    for iri, name in zip(kept, short_names, strict=True):
        rendered = [await _attribute(instance, terms, view) for instance in entity.attrs[iri]]
        out[name] = rendered[0] if len(rendered) == 1 else rendered
    return out


async def _attribute(instance: Instance, terms: TermMap, view: View) -> Any:
    if view.format is Format.KEY_VALUES:
        return _simple_value(instance, view.lang)
    out: dict[str, Any] = {}
    for key, value in instance.items():
        if key in _SYS and not view.sys_attrs:
            continue
        if key not in ATTRIBUTE_MEMBERS:
            continue
        out[key] = value
    if view.lang is not None and instance.get("type") == "LanguageProperty":
        out = {k: v for k, v in out.items() if k != "languageMap"}
        out["type"] = "Property"
        out["value"] = _pick_language(instance["languageMap"], view.lang)
        out["lang"] = view.lang if view.lang in instance["languageMap"] else "@none"
    subs = [key for key in instance if key not in ATTRIBUTE_MEMBERS]
    if subs:
        names = await terms.compact(subs)
        for iri, name in zip(subs, names, strict=True):
            out[name] = await _attribute(instance[iri], terms, view)
    if view.format is Format.CONCISE:
        kind = out.pop("type", None)
        # A Property with only its value becomes the bare value (clause 4.5.1.2).
        if kind in ("Property", "GeoProperty") and set(out) == {"value"}:
            return out["value"]
    return out


def _simple_value(instance: Instance, lang: str | None) -> Any:
    if instance.get("type") == "LanguageProperty":
        if lang is not None:
            return _pick_language(instance["languageMap"], lang)
        return {"languageMap": instance["languageMap"]}
    for key in _VALUE_KEYS:
        if key in instance:
            return instance[key]
    return None


def _pick_language(language_map: dict[str, Any], lang: str) -> Any:
    for candidate in (lang, lang.split("-")[0], "@none"):
        if candidate in language_map:
            return language_map[candidate]
    return next(iter(language_map.values()), None)


def pick_names(raw: Collection[str] | None) -> list[str]:
    return [name for name in (raw or []) if name]
