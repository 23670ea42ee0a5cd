"""The NGSI-LD temporal API (clauses 6.18–6.22): /temporal/entities.

A temporal entity is the history of an entity's attributes. Writing instances through this API
also keeps the entity itself current (each attribute takes its latest observed instance), so the
entity API and the temporal API never disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response

from cityverse.core.http import ERROR_RESPONSES, Db
from cityverse.modules.twin import history, service, store
from cityverse.modules.twin.api import READERS, WRITERS, paging_links, query_candidates
from cityverse.modules.twin.binding import (
    Call,
    NgsiLdRoute,
    answer,
    call_of,
    int_param,
    read_body,
    split_list,
)
from cityverse.modules.twin.models import TwinAttributeInstance
from cityverse.modules.twin.ngsild.entity import (
    StoredEntity,
    check_uri,
    normalize_attributes,
    now_utc,
    stamp,
)
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError
from cityverse.modules.twin.ngsild.temporal import (
    aggregate,
    parse_aggregation,
    parse_time_query,
    temporal_values,
)
from cityverse.modules.twin.ngsild.terms import ENTITY_MEMBERS, TermMap

router = APIRouter(
    prefix="/ngsi-ld/v1/temporal", tags=["NGSI-LD temporal"], route_class=NgsiLdRoute,
    responses=ERROR_RESPONSES,
)
MAX_LAST_N = 10_000


@router.post("/entities", status_code=201, dependencies=[WRITERS])
async def create_temporal(request: Request, db: Db) -> Response:
    call = call_of(request)
    body = await read_body(request, call)
    document = body.document
    if not isinstance(document, dict):
        raise NgsiLdError(ErrorKind.BadRequestData, "a temporal entity must be a JSON object")
    entity_id = check_uri(document.get("id"), "the entity id")
    raw_type = document.get("type")
    if raw_type is None:
        raise NgsiLdError(ErrorKind.BadRequestData, "the entity has no type")
    terms = call.terms(body.context)
    series = await _series(document, terms)
    types = await terms.expand(raw_type if isinstance(raw_type, list) else [raw_type])
    row = await store.find_row(db, call.tenant, entity_id)
    await _write(db, call, entity_id, types, series, existing=row is not None)
    if row is not None:
        return Response(status_code=204)
    return Response(status_code=201,
                    headers={"Location": f"/ngsi-ld/v1/temporal/entities/{entity_id}"})


@router.post("/entities/{entity_id}/attrs", status_code=204, dependencies=[WRITERS])
async def append_temporal(request: Request, entity_id: str, db: Db) -> Response:
    call = call_of(request)
    body = await read_body(request, call)
    if not isinstance(body.document, dict):
        raise NgsiLdError(ErrorKind.BadRequestData, "the body must be a JSON object")
    await service.existing(db, call.tenant, entity_id)
    series = await _series(body.document, call.terms(body.context))
    await _write(db, call, entity_id, [], series, existing=True)
    return Response(status_code=204)


@router.get("/entities/{entity_id}", dependencies=[READERS])
async def retrieve_temporal(request: Request, entity_id: str, db: Db) -> Response:
    call = call_of(request)
    row = await service.existing(db, call.tenant, entity_id)
    rendered = await _render(request, call, db, [store.to_entity(row)])
    return answer(request, call, rendered[0])


@router.get("/entities", dependencies=[READERS])
async def query_temporal(request: Request, db: Db) -> Response:
    call = call_of(request)
    params = dict(request.query_params)
    wanted = await query_candidates(call, params)
    limit = int_param(params.get("limit"), "limit", 20, low=0, high=1000)
    offset = int_param(params.get("offset"), "offset", 0, low=0, high=10**9)
    page, total = await store.query(db, wanted, offset=offset, limit=limit)
    headers = paging_links(request, offset, limit, total)
    if params.get("count") == "true":
        headers["NGSILD-Results-Count"] = str(total)
    return answer(request, call, await _render(request, call, db, page), headers=headers)


@router.delete("/entities/{entity_id}", status_code=204, dependencies=[WRITERS])
async def delete_temporal(request: Request, entity_id: str, db: Db) -> Response:
    call = call_of(request)
    await service.delete_entity(db, call.tenant, entity_id)
    await history.delete_series(db, call.tenant, entity_id)
    return Response(status_code=204)


@router.delete("/entities/{entity_id}/attrs/{attr_id}", status_code=204, dependencies=[WRITERS])
async def delete_temporal_attribute(
    request: Request, entity_id: str, attr_id: str, db: Db
) -> Response:
    call = call_of(request)
    iri = await call.terms().expand_one(attr_id)
    if not await history.delete_series(db, call.tenant, entity_id, iri):
        raise NgsiLdError(ErrorKind.ResourceNotFound, f"no history of {attr_id} on {entity_id}")
    return Response(status_code=204)


@router.delete("/entities/{entity_id}/attrs/{attr_id}/{instance_id}", status_code=204,
               dependencies=[WRITERS])
async def delete_temporal_instance(
    request: Request, entity_id: str, attr_id: str, instance_id: str, db: Db
) -> Response:
    call = call_of(request)
    iri = await call.terms().expand_one(attr_id)
    if not await history.delete_series(db, call.tenant, entity_id, iri, instance_id=instance_id):
        raise NgsiLdError(ErrorKind.ResourceNotFound, f"no instance {instance_id}")
    return Response(status_code=204)


# Helpers ---------------------------------------------------------------------------------


async def _series(document: dict[str, Any], terms: TermMap) -> dict[str, list[dict[str, Any]]]:
    """Attribute IRI → the instances the body lists for it (an instance or an array)."""
    series: dict[str, list[dict[str, Any]]] = {}
    for name, raw in document.items():
        if name in ENTITY_MEMBERS:
            continue
        for item in raw if isinstance(raw, list) else [raw]:
            attrs = await normalize_attributes({name: item}, terms)
            for iri, instances in attrs.items():
                series.setdefault(iri, []).extend(instances)
    if not series:
        raise NgsiLdError(ErrorKind.BadRequestData, "the body holds no attribute instances")
    return series


async def _write(
    db: Db, call: Call, entity_id: str, types: list[str],
    series: dict[str, list[dict[str, Any]]], *, existing: bool,
) -> None:
    moment = now_utc()
    latest: dict[str, list[dict[str, Any]]] = {}
    for iri, instances in series.items():
        stamp({iri: instances}, moment)
        await history.record_instances(db, call.tenant, entity_id, iri, instances, moment)
        newest = max(instances, key=lambda i: str(i.get("observedAt", "")))
        latest[iri] = [dict(newest)]
    # The entity keeps the latest instances; its own history rows are already written.
    fragment = StoredEntity(id=entity_id, types=types, attrs=latest)
    if existing:
        await service.merge_entity(db, call.tenant, entity_id, fragment, record=False)
    else:
        await service.create_entity(db, call.tenant, fragment, record=False)


async def _render(
    request: Request, call: Call, db: Db, entities: list[StoredEntity]
) -> list[dict[str, Any]]:
    params = request.query_params
    time = parse_time_query(params)
    options = set((params.get("options") or "").split(",")) | {params.get("format") or ""}
    last_n = int_param(params.get("lastN"), "lastN", 0, low=1, high=MAX_LAST_N) \
        if "lastN" in params else None
    terms = call.terms()
    attr_names = split_list(params.get("attrs"))
    attrs = await terms.expand(attr_names) if attr_names else None
    aggregation = parse_aggregation(params) if "aggregatedValues" in options else None
    found = await history.instances_of(
        db, call.tenant, [e.id for e in entities], time, attrs=attrs, last_n=last_n
    )
    out: list[dict[str, Any]] = []
    for entity in entities:
        types = await terms.compact(entity.types)
        item: dict[str, Any] = {"id": entity.id, "type": types[0] if len(types) == 1 else types}
        series = found.get(entity.id, {})
        names = await terms.compact(list(series))
        for rows, name in zip(series.values(), names, strict=True):
            item[name] = _format(rows, time.prop, options, aggregation, time)
        out.append(item)
    return out


def _format(
    rows: list[TwinAttributeInstance], prop: str, options: set[str],
    aggregation: tuple[list[str], Any] | None, time: Any,
) -> Any:
    instances = [{**row.instance, "instanceId": row.instance_id} for row in rows]
    if aggregation is not None:
        methods, period = aggregation
        timed = [(_moment(row, prop), row.instance) for row in rows]
        return aggregate(timed, methods, period, time.at, time.end)
    if "temporalValues" in options:
        return temporal_values(instances, prop)
    return instances


def _moment(row: TwinAttributeInstance, prop: str) -> datetime:
    if prop == "observedAt" and row.observed_at is not None:
        return row.observed_at
    return row.modified_at

