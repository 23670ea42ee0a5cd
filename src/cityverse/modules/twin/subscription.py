"""Subscriptions (clause 5.2.12): validation of what clients send, and the compiled form the
notifier matches changes against (names expanded, q and geoQ parsed once)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cityverse.modules.twin.endpoints import check_notifier_info
from cityverse.modules.twin.ngsild.context_values import ContextValue
from cityverse.modules.twin.ngsild.entity import StoredEntity, check_uri, geometry_of, now_utc
from cityverse.modules.twin.ngsild.entity import parse_datetime as parse_time
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError
from cityverse.modules.twin.ngsild.geo import GeoQuery, parse_geo_query
from cityverse.modules.twin.ngsild.query import Node, expand_paths, matches, parse_q
from cityverse.modules.twin.ngsild.render import Format
from cityverse.modules.twin.ngsild.terms import TermMap
from cityverse.modules.twin.scopes import scope_matcher

ENDPOINT_SCHEMES = ("http", "https", "mqtt", "mqtts")
FORMATS = {"normalized": Format.NORMALIZED, "keyValues": Format.KEY_VALUES,
           "simplified": Format.KEY_VALUES, "concise": Format.CONCISE}
_KNOWN = {
    "id", "type", "subscriptionName", "description", "entities", "watchedAttributes",
    "notificationTrigger", "timeInterval", "q", "geoQ", "scopeQ", "isActive", "notification",
    "expiresAt", "throttling", "lang", "@context", "status",
}


def bad(detail: str) -> NgsiLdError:
    return NgsiLdError(ErrorKind.BadRequestData, f"invalid subscription: {detail}")


@dataclass
class EntitySelector:
    types: list[str]
    id: str | None = None
    id_pattern: re.Pattern[str] | None = None

    def matches(self, entity: StoredEntity) -> bool:
        if not set(self.types) & set(entity.types):
            return False
        if self.id is not None and entity.id != self.id:
            return False
        return self.id_pattern is None or self.id_pattern.fullmatch(entity.id) is not None


@dataclass
class CompiledSubscription:
    id: str
    tenant: str
    context: ContextValue
    endpoint: str
    accept: str = "application/json"
    receiver_info: list[tuple[str, str]] = field(default_factory=list)
    notifier_info: dict[str, str] = field(default_factory=dict)  # MQTTVersion, MQTTQoS
    selectors: list[EntitySelector] = field(default_factory=list)
    watched: frozenset[str] | None = None
    notify_attrs: frozenset[str] | None = None
    format: Format = Format.NORMALIZED
    q: Node | None = None
    geo: GeoQuery | None = None
    geo_iri: str = "https://uri.etsi.org/ngsi-ld/location"
    scope: Callable[[list[str]], bool] | None = None
    throttling: float = 0.0
    time_interval: float | None = None
    expires_at: datetime | None = None
    active: bool = True
    lang: str | None = None

    def live(self, now: datetime | None = None) -> bool:
        moment = now or now_utc()
        return self.active and (self.expires_at is None or self.expires_at > moment)

    def wants(self, entity: StoredEntity, touched: frozenset[str]) -> bool:
        if self.selectors and not any(s.matches(entity) for s in self.selectors):
            return False
        if self.watched is not None and not self.watched & touched:
            return False
        if self.q is not None and not matches(self.q, entity):
            return False
        if self.scope is not None and not self.scope(entity.scopes):
            return False
        if self.geo is not None:
            geometry = geometry_of(entity, self.geo_iri)
            if geometry is None or not self.geo.matches(geometry):
                return False
        return True


def check_document(document: Any, *, partial: bool = False) -> dict[str, Any]:
    """The subscription as stored: checked, with an id and type; names stay short."""
    if not isinstance(document, dict):
        raise bad("a subscription is a JSON object")
    unknown = set(document) - _KNOWN
    if unknown:
        raise bad(f"unknown members {sorted(unknown)}")
    doc = {k: v for k, v in document.items() if k != "@context"}
    if not partial:
        doc.setdefault("id", f"urn:ngsi-ld:Subscription:{uuid.uuid4()}")
        if doc.get("type") != "Subscription":
            raise bad('"type" must be "Subscription"')
        if "notification" not in doc:
            raise bad("a notification member is needed")
        if not doc.get("entities") and not doc.get("watchedAttributes"):
            raise bad("entities or watchedAttributes are needed")
    if "id" in doc:
        check_uri(doc["id"], "the subscription id")
    if "timeInterval" in doc and ("watchedAttributes" in doc or "throttling" in doc):
        raise bad("timeInterval cannot go with watchedAttributes or throttling")
    for key in ("timeInterval", "throttling"):
        if key in doc and (not isinstance(doc[key], int | float) or isinstance(doc[key], bool)
                           or doc[key] <= (0 if key == "timeInterval" else -1)):
            raise bad(f"{key} must be a positive number of seconds")
    if "expiresAt" in doc and parse_time(doc["expiresAt"], "expiresAt") <= now_utc():
        raise bad("expiresAt must be in the future")
    if "isActive" in doc and not isinstance(doc["isActive"], bool):
        raise bad("isActive must be true or false")
    return doc


async def compile_subscription(
    doc: dict[str, Any], tenant: str, context: ContextValue, terms: TermMap,
    *, active: bool = True,
) -> CompiledSubscription:
    notification = doc.get("notification")
    if not isinstance(notification, dict) or not isinstance(notification.get("endpoint"), dict):
        raise bad("notification.endpoint is needed")
    endpoint = notification["endpoint"]
    uri = endpoint.get("uri")
    if not isinstance(uri, str) or urlsplit(uri).scheme not in ENDPOINT_SCHEMES \
            or not urlsplit(uri).hostname:
        raise bad("notification.endpoint.uri must be an http(s) or mqtt URL")
    accept = endpoint.get("accept", "application/json")
    if accept not in ("application/json", "application/ld+json"):
        raise bad("notification.endpoint.accept must be application/json or application/ld+json")
    fmt = notification.get("format", "normalized")
    if fmt not in FORMATS:
        raise bad(f"unknown notification format {fmt!r}")
    compiled = CompiledSubscription(
        id=doc["id"], tenant=tenant, context=context, endpoint=uri, accept=accept,
        receiver_info=_receiver_info(endpoint.get("receiverInfo")), format=FORMATS[fmt],
        notifier_info=check_notifier_info(_receiver_info(endpoint.get("notifierInfo"))),
        throttling=float(doc.get("throttling", 0)),
        time_interval=float(doc["timeInterval"]) if "timeInterval" in doc else None,
        expires_at=parse_time(doc["expiresAt"], "expiresAt") if "expiresAt" in doc else None,
        active=active and doc.get("isActive", True), lang=doc.get("lang"),
    )
    compiled.selectors = await _selectors(doc.get("entities") or [], terms)
    if doc.get("watchedAttributes"):
        compiled.watched = frozenset(await terms.expand(_names(doc["watchedAttributes"])))
    if notification.get("attributes"):
        compiled.notify_attrs = frozenset(await terms.expand(_names(notification["attributes"])))
    if "q" in doc:
        compiled.q = parse_q(str(doc["q"]))
        await expand_paths(compiled.q, terms)
    if "scopeQ" in doc:
        compiled.scope = scope_matcher(str(doc["scopeQ"]))
    geo = doc.get("geoQ")
    if geo is not None:
        if not isinstance(geo, dict):
            raise bad("geoQ must be an object")
        coordinates = geo.get("coordinates")
        parsed = parse_geo_query(
            geo.get("georel"), geo.get("geometry"),
            json.dumps(coordinates) if not isinstance(coordinates, str) else coordinates,
            geo.get("geoproperty"),
        )
        if parsed is None:
            raise bad("geoQ needs georel, geometry and coordinates")
        compiled.geo = parsed
        compiled.geo_iri = await terms.expand_one(parsed.geoproperty)
    return compiled


async def _selectors(raw: Any, terms: TermMap) -> list[EntitySelector]:
    if not isinstance(raw, list):
        raise bad("entities must be an array")
    selectors = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise bad("each entities item needs a type")
        pattern = None
        if "idPattern" in item:
            try:
                pattern = re.compile(str(item["idPattern"]))
            except re.error as exc:
                raise bad(f"bad idPattern: {exc}") from exc
        entity_id = check_uri(item["id"], "an entities id") if "id" in item else None
        types = await terms.expand(re.split(r"[|,]", item["type"]))
        selectors.append(EntitySelector(types=types, id=entity_id, id_pattern=pattern))
    return selectors


def _names(raw: Any) -> list[str]:
    if not isinstance(raw, list) or not raw or not all(isinstance(n, str) and n for n in raw):
        raise bad("attribute lists must be non-empty arrays of names")
    return list(raw)


def _receiver_info(raw: Any) -> list[tuple[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(
        isinstance(i, dict) and isinstance(i.get("key"), str) and isinstance(i.get("value"), str)
        for i in raw
    ):
        raise bad("receiverInfo and notifierInfo are arrays of {key, value}")
    return [(i["key"], i["value"]) for i in raw]
