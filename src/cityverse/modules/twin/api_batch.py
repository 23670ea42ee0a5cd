"""Batch entity operations (clauses 6.14–6.19, 6.31): create, upsert, update, delete, merge
and query in one request. One entity's failure never undoes the others (207 answers)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from cityverse.core.http import ERROR_RESPONSES, Db
from cityverse.modules.twin import service, store
from cityverse.modules.twin.api import READERS, WRITERS, paging_links, query_candidates, view_of
from cityverse.modules.twin.binding import (
    Body,
    Call,
    NgsiLdRoute,
    answer,
    call_of,
    int_param,
    read_body,
)
from cityverse.modules.twin.ngsild.entity import StoredEntity, normalize_entity
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError
from cityverse.modules.twin.ngsild.render import render
from cityverse.modules.twin.ngsild.terms import TermMap

MAX_BATCH = 1000

router = APIRouter(
    prefix="/ngsi-ld/v1/entityOperations", tags=["NGSI-LD"], route_class=NgsiLdRoute,
    responses=ERROR_RESPONSES,
)


class Outcome:
    def __init__(self) -> None:
        self.success: list[str] = []
        self.errors: list[dict[str, Any]] = []

    def fail(self, entity_id: Any, error: NgsiLdError) -> None:
        self.errors.append({"entityId": str(entity_id or ""), "error": error.problem_details()})

    def answer(self, *, created: bool) -> Response:
        if self.errors:
            return JSONResponse(status_code=207,
                                content={"success": self.success, "errors": self.errors})
        if created and self.success:
            return JSONResponse(status_code=201, content=self.success)
        return Response(status_code=204)


async def _batch(request: Request, call: Call) -> tuple[Body, list[Any]]:
    body = await read_body(request, call)
    if not isinstance(body.document, list) or not body.document:
        raise NgsiLdError(ErrorKind.BadRequestData, "a batch body is a non-empty JSON array")
    if len(body.document) > MAX_BATCH:
        raise NgsiLdError(ErrorKind.BadRequestData, f"a batch holds at most {MAX_BATCH} items")
    return body, body.document


async def _entities(
    items: list[Any], terms: TermMap, outcome: Outcome, *, need_type: bool = True
) -> list[StoredEntity]:
    valid: list[StoredEntity] = []
    seen: set[str] = set()
    for item in items:
        raw_id = item.get("id") if isinstance(item, dict) else None
        try:
            entity = await normalize_entity(item, terms, need_type=need_type)
        except NgsiLdError as error:
            outcome.fail(raw_id, error)
            continue
        if entity.id in seen:
            outcome.fail(entity.id, NgsiLdError(ErrorKind.BadRequestData,
                                                "the id appears twice in this batch"))
            continue
        seen.add(entity.id)
        valid.append(entity)
    return valid


@router.post("/create", dependencies=[WRITERS])
async def batch_create(request: Request, db: Db) -> Response:
    call = call_of(request)
    body, items = await _batch(request, call)
    outcome = Outcome()
    entities = await _entities(items, call.terms(body.context), outcome)
    existing = await store.find_rows(db, call.tenant, [e.id for e in entities])
    fresh = []
    for entity in entities:
        if entity.id in existing:
            outcome.fail(entity.id, NgsiLdError(ErrorKind.AlreadyExists, "the entity exists"))
            continue
        fresh.append(entity)
        outcome.success.append(entity.id)
    await service.create_new_entities(db, call.tenant, fresh)
    return outcome.answer(created=True)


@router.post("/upsert", dependencies=[WRITERS])
async def batch_upsert(request: Request, db: Db) -> Response:
    """options=replace (default) replaces existing entities; options=update merges into them."""
    call = call_of(request)
    body, items = await _batch(request, call)
    options = (request.query_params.get("options") or "replace").split(",")
    outcome = Outcome()
    entities = await _entities(items, call.terms(body.context), outcome)
    existing = await store.find_rows(db, call.tenant, [e.id for e in entities])
    fresh = [entity for entity in entities if entity.id not in existing]
    known = [(existing[entity.id], entity) for entity in entities if entity.id in existing]
    await service.create_new_entities(db, call.tenant, fresh)
    if "update" in options:
        await service.merge_entities(db, call.tenant, known)
    else:
        await service.replace_entities(db, call.tenant, known)
    created = [entity.id for entity in fresh]
    outcome.success.extend(entity.id for entity in entities)
    if outcome.errors or not created:
        return outcome.answer(created=False)
    return JSONResponse(status_code=201, content=created)


@router.post("/update", dependencies=[WRITERS])
async def batch_update(request: Request, db: Db) -> Response:
    call = call_of(request)
    body, items = await _batch(request, call)
    overwrite = "noOverwrite" not in (request.query_params.get("options") or "").split(",")
    outcome = Outcome()
    entities = await _entities(items, call.terms(body.context), outcome, need_type=False)
    existing = await store.find_rows(db, call.tenant, [e.id for e in entities])
    for entity in entities:
        if entity.id not in existing:
            outcome.fail(entity.id, service.not_found(entity.id))
            continue
        await service.append_attributes(db, call.tenant, entity.id, entity, overwrite=overwrite)
        outcome.success.append(entity.id)
    return outcome.answer(created=False)


@router.post("/merge", dependencies=[WRITERS])
async def batch_merge(request: Request, db: Db) -> Response:
    call = call_of(request)
    body, items = await _batch(request, call)
    outcome = Outcome()
    entities = await _entities(items, call.terms(body.context), outcome, need_type=False)
    existing = await store.find_rows(db, call.tenant, [e.id for e in entities])
    known = []
    for entity in entities:
        row = existing.get(entity.id)
        if row is None:
            outcome.fail(entity.id, service.not_found(entity.id))
            continue
        known.append((row, entity))
        outcome.success.append(entity.id)
    await service.merge_entities(db, call.tenant, known)
    return outcome.answer(created=False)


@router.post("/delete", dependencies=[WRITERS])
async def batch_delete(request: Request, db: Db) -> Response:
    call = call_of(request)
    _, items = await _batch(request, call)
    outcome = Outcome()
    ids = [item for item in items if isinstance(item, str)]
    existing = await store.find_rows(db, call.tenant, ids)
    for item in items:
        if not isinstance(item, str):
            outcome.fail(None, NgsiLdError(ErrorKind.BadRequestData, "ids must be strings"))
        elif item not in existing:
            outcome.fail(item, service.not_found(item))
        else:
            await store.remove(db, existing.pop(item))
            outcome.success.append(item)
    return outcome.answer(created=False)


@router.post("/query", dependencies=[READERS])
async def batch_query(request: Request, db: Db) -> Response:
    """The query of GET /entities sent as a Query data type body (clause 5.2.23)."""
    call = call_of(request)
    body = await read_body(request, call)
    query = body.document
    if not isinstance(query, dict) or query.get("type") != "Query":
        raise NgsiLdError(ErrorKind.BadRequestData, 'the body must be a Query ("type": "Query")')
    params: dict[str, str] = {}
    entities = query.get("entities") or []
    if entities:
        params["type"] = ",".join(str(e.get("type")) for e in entities if isinstance(e, dict))
        ids = [str(e["id"]) for e in entities if isinstance(e, dict) and "id" in e]
        if ids:
            params["id"] = ",".join(ids)
    for key in ("attrs", "q", "scopeQ"):
        if key in query:
            value = query[key]
            params[key] = ",".join(value) if isinstance(value, list) else str(value)
    geo = query.get("geoQ")
    if isinstance(geo, dict):
        params.update(georel=str(geo.get("georel")), geometry=str(geo.get("geometry")),
                      coordinates=json.dumps(geo.get("coordinates")))
        if "geoproperty" in geo:
            params["geoproperty"] = str(geo["geoproperty"])
    wanted = await query_candidates(call, params)
    limit = int_param(request.query_params.get("limit"), "limit", 20, low=0, high=1000)
    offset = int_param(request.query_params.get("offset"), "offset", 0, low=0, high=10**9)
    view = await view_of(request, call)
    page, total = await store.query(db, wanted, offset=offset, limit=limit)
    headers = paging_links(request, offset, limit, total)
    if request.query_params.get("count") == "true":
        headers["NGSILD-Results-Count"] = str(total)
    rendered = [await render(entity, call.terms(body.context), view) for entity in page]
    return answer(request, call, rendered, headers=headers)
