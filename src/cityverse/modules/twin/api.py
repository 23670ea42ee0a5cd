"""NGSI-LD context information API: entities and their attributes (clauses 6.4–6.7) and
discovery of types and attributes (6.25–6.27), under /ngsi-ld/v1."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import SIGNED_IN, Role, roles_policy
from cityverse.core.http import ERROR_RESPONSES, Db
from cityverse.modules.twin import service, store
from cityverse.modules.twin.binding import (
    Call,
    NgsiLdRoute,
    answer,
    call_of,
    flag,
    int_param,
    read_body,
    split_list,
    wants_geojson,
)
from cityverse.modules.twin.ngsild.entity import (
    StoredEntity,
    normalize_attributes,
    normalize_entity,
)
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError
from cityverse.modules.twin.ngsild.geo import parse_geo_query
from cityverse.modules.twin.ngsild.query import expand_paths, parse_q
from cityverse.modules.twin.ngsild.render import View, parse_options, render
from cityverse.modules.twin.scopes import scope_matcher

READERS = requires(SIGNED_IN)
# City operations staff and their devices' tokens change context data.
WRITERS = requires(roles_policy(Role.OFFICER, Role.ADMIN))
MAX_LIMIT = 1000
DEFAULT_LIMIT = 20

router = APIRouter(
    prefix="/ngsi-ld/v1", tags=["NGSI-LD"], route_class=NgsiLdRoute, responses=ERROR_RESPONSES
)


@router.post("/entities", status_code=201, dependencies=[WRITERS])
async def create_entity(request: Request, db: Db) -> Response:
    call = call_of(request)
    body = await read_body(request, call)
    entity = await normalize_entity(body.document, call.terms(body.context))
    await service.create_entity(db, call.tenant, entity)
    return Response(status_code=201, headers={"Location": f"/ngsi-ld/v1/entities/{entity.id}"})


@router.get("/entities/{entity_id}", dependencies=[READERS])
async def retrieve_entity(request: Request, entity_id: str, db: Db) -> Response:
    call = call_of(request)
    geojson = wants_geojson(request)  # 406 before any lookup
    await _check_tenant(db, call)
    row = await service.existing(db, call.tenant, entity_id)
    view = await view_of(request, call)
    entity = store.to_entity(row)
    if geojson:
        return await _geojson(request, call, [entity], view, single=True)
    return answer(request, call, await render(entity, call.terms(), view), geojson=True)


@router.get("/entities", dependencies=[READERS])
async def query_entities(request: Request, db: Db) -> Response:
    call = call_of(request)
    params = request.query_params
    geojson = wants_geojson(request)  # 406 before any work
    await _check_tenant(db, call)
    wanted = await query_candidates(call, dict(params))
    limit = int_param(params.get("limit"), "limit", DEFAULT_LIMIT, low=0, high=MAX_LIMIT)
    offset = int_param(params.get("offset"), "offset", 0, low=0, high=10**9)
    count = flag(params.get("count"), "count") or "count" in (params.get("options") or "")
    view = await view_of(request, call)
    page, total = await store.query(db, wanted, offset=offset, limit=limit, count=count)
    headers = paging_links(request, offset, limit, total)
    if count:
        headers["NGSILD-Results-Count"] = str(total)
    if geojson:
        return await _geojson(request, call, page, view, headers=headers)
    rendered = [await render(entity, call.terms(), view) for entity in page]
    return answer(request, call, rendered, headers=headers, geojson=True)


@router.delete("/entities/{entity_id}", status_code=204, dependencies=[WRITERS])
async def delete_entity(request: Request, entity_id: str, db: Db) -> Response:
    call = call_of(request)
    await service.delete_entity(db, call.tenant, entity_id)
    return Response(status_code=204)


@router.put("/entities/{entity_id}", status_code=204, dependencies=[WRITERS])
async def replace_entity(request: Request, entity_id: str, db: Db) -> Response:
    call = call_of(request)
    body = await read_body(request, call)
    entity = await normalize_entity(
        body.document, call.terms(body.context), need_id=False, need_type=True
    )
    _same_id(entity, entity_id)
    await service.replace_entity(db, call.tenant, entity_id, entity)
    return Response(status_code=204)


@router.patch("/entities/{entity_id}", status_code=204, dependencies=[WRITERS])
async def merge_entity(request: Request, entity_id: str, db: Db) -> Response:
    call = call_of(request)
    body = await read_body(request, call, merge_patch=True)
    fragment = await normalize_entity(
        body.document, call.terms(body.context), need_id=False, need_type=False
    )
    _same_id(fragment, entity_id)
    await service.merge_entity(db, call.tenant, entity_id, fragment)
    return Response(status_code=204)


@router.post("/entities/{entity_id}/attrs", status_code=204, dependencies=[WRITERS])
async def append_attributes(request: Request, entity_id: str, db: Db) -> Response:
    call = call_of(request)
    body = await read_body(request, call)
    fragment = await normalize_entity(
        body.document, call.terms(body.context), need_id=False, need_type=False
    )
    _same_id(fragment, entity_id)
    overwrite = "noOverwrite" not in (request.query_params.get("options") or "").split(",")
    result = await service.append_attributes(
        db, call.tenant, entity_id, fragment, overwrite=overwrite
    )
    return await _update_answer(call, result)


@router.patch("/entities/{entity_id}/attrs", status_code=204, dependencies=[WRITERS])
async def update_attributes(request: Request, entity_id: str, db: Db) -> Response:
    call = call_of(request)
    body = await read_body(request, call, merge_patch=True)
    fragment = await normalize_entity(
        body.document, call.terms(body.context), need_id=False, need_type=False
    )
    _same_id(fragment, entity_id)
    result = await service.update_attributes(db, call.tenant, entity_id, fragment)
    if not result.updated and result.not_updated:
        raise NgsiLdError(ErrorKind.ResourceNotFound,
                          f"the entity {entity_id} has none of these attributes")
    return await _update_answer(call, result)


@router.patch("/entities/{entity_id}/attrs/{attr_id}", status_code=204, dependencies=[WRITERS])
async def partial_attribute_update(
    request: Request, entity_id: str, attr_id: str, db: Db
) -> Response:
    call = call_of(request)
    body = await read_body(request, call, merge_patch=True)
    iri, instance = await _one_attribute(call, body.document, body.context, attr_id)
    await service.partial_attribute_update(db, call.tenant, entity_id, iri, instance)
    return Response(status_code=204)


@router.put("/entities/{entity_id}/attrs/{attr_id}", status_code=204, dependencies=[WRITERS])
async def replace_attribute(request: Request, entity_id: str, attr_id: str, db: Db) -> Response:
    call = call_of(request)
    body = await read_body(request, call)
    iri, instance = await _one_attribute(call, body.document, body.context, attr_id)
    await service.replace_attribute(db, call.tenant, entity_id, iri, instance)
    return Response(status_code=204)


@router.delete("/entities/{entity_id}/attrs/{attr_id}", status_code=204, dependencies=[WRITERS])
async def delete_attribute(request: Request, entity_id: str, attr_id: str, db: Db) -> Response:
    call = call_of(request)
    params = request.query_params
    iri = await call.terms().expand_one(attr_id)
    await service.delete_attribute(
        db, call.tenant, entity_id, iri, dataset_id=params.get("datasetId"),
        delete_all=flag(params.get("deleteAll"), "deleteAll"),
    )
    return Response(status_code=204)


@router.get("/types", dependencies=[READERS])
async def list_types(request: Request, db: Db) -> Response:
    call = call_of(request)
    await _check_tenant(db, call)
    names = await store.type_names(db, call.tenant)
    short = await call.terms().compact([iri for iri, _ in names])
    return answer(request, call, {
        "id": f"urn:ngsi-ld:EntityTypeList:{call.tenant or 'default'}",
        "type": "EntityTypeList", "typeList": short,
    })


@router.get("/attributes", dependencies=[READERS])
async def list_attributes(request: Request, db: Db) -> Response:
    call = call_of(request)
    await _check_tenant(db, call)
    names = await store.attribute_names(db, call.tenant)
    short = await call.terms().compact([iri for iri, _ in names])
    return answer(request, call, {
        "id": f"urn:ngsi-ld:EntityAttributeList:{call.tenant or 'default'}",
        "type": "EntityAttributeList", "attributeList": short,
    })


# Helpers ---------------------------------------------------------------------------------


async def _check_tenant(db: Db, call: Call) -> None:
    if call.tenant and not await store.tenant_exists(db, call.tenant):
        raise NgsiLdError(ErrorKind.NonexistentTenant, f"no tenant {call.tenant!r}")


def _same_id(fragment: StoredEntity, entity_id: str) -> None:
    if fragment.id and fragment.id != entity_id:
        raise NgsiLdError(ErrorKind.BadRequestData,
                          f"the body's id {fragment.id} is not the entity {entity_id}")


async def _one_attribute(
    call: Call, document: Any, context: Any, attr_id: str
) -> tuple[str, dict[str, Any]]:
    if not isinstance(document, dict):
        raise NgsiLdError(ErrorKind.BadRequestData, "an attribute must be a JSON object")
    members = {k: v for k, v in document.items() if k != "@context"}
    attrs = await normalize_attributes({attr_id: members}, call.terms(context))
    iri, instances = next(iter(attrs.items()))
    return iri, instances[0]


async def _update_answer(call: Call, result: service.UpdateResult) -> Response:
    if not result.not_updated:
        return Response(status_code=204)
    names = await call.terms().compact(result.updated)
    missing = await call.terms().compact([iri for iri, _ in result.not_updated])
    return JSONResponse(status_code=207, content={
        "updated": list(dict.fromkeys(names)),
        "notUpdated": [
            {"attributeName": name, "reason": reason}
            for name, (_, reason) in zip(missing, result.not_updated, strict=True)
        ],
    })


async def view_of(request: Request, call: Call) -> View:
    params = request.query_params
    fmt, sys_attrs = parse_options(params.get("options"), params.get("format"))
    picked = split_list(params.get("pick")) or split_list(params.get("attrs"))
    omitted = split_list(params.get("omit")) or []
    terms = call.terms()
    attrs = frozenset(await terms.expand(picked)) if picked else None
    omit = frozenset(await terms.expand(omitted)) if omitted else frozenset()
    return View(format=fmt, sys_attrs=sys_attrs, attrs=attrs, omit=omit, lang=params.get("lang"))


async def query_candidates(call: Call, params: dict[str, str]) -> store.Candidates:
    terms = call.terms()
    wanted = store.Candidates(tenant=call.tenant)
    types = split_list(params.get("type"))
    if types is not None:
        wanted.types = await terms.expand(re.split(r"[|,]", ",".join(types)))
    wanted.ids = split_list(params.get("id"))
    if "idPattern" in params:
        try:
            wanted.id_pattern = re.compile(params["idPattern"])
        except re.error as exc:
            raise NgsiLdError(ErrorKind.BadRequestData, f"bad idPattern: {exc}") from exc
    attrs = split_list(params.get("attrs"))
    if attrs and "pick" not in params:
        wanted.any_attrs = await terms.expand(attrs)
    if "q" in params:
        node = parse_q(params["q"])
        await expand_paths(node, terms)
        wanted.q = node
    if "scopeQ" in params:
        scope_test = scope_matcher(params["scopeQ"])
        wanted.exact.append(lambda entity: scope_test(entity.scopes))
    geo = parse_geo_query(
        params.get("georel"), params.get("geometry"), params.get("coordinates"),
        params.get("geoproperty"),
    )
    if geo is not None:
        wanted.geo = geo
        wanted.geo_iri = await terms.expand_one(geo.geoproperty)
    narrowed = any(
        value is not None for value in (wanted.types, wanted.ids, wanted.id_pattern,
                                        wanted.any_attrs, geo)
    ) or "q" in params
    if not narrowed and params.get("local") != "true":
        raise NgsiLdError(ErrorKind.BadRequestData,
                          "a query needs at least one of type, id, idPattern, attrs, q or a "
                          "geo-query (or local=true)")
    return wanted


def paging_links(request: Request, offset: int, limit: int, total: int) -> dict[str, str]:
    links = []
    if limit and offset + limit < total:
        links.append(f'<{request.url.include_query_params(offset=offset + limit)}>; rel="next"')
    if limit and offset > 0:
        previous = max(offset - limit, 0)
        links.append(f'<{request.url.include_query_params(offset=previous)}>; rel="prev"')
    return {"Link": ", ".join(links)} if links else {}


async def _geojson(
    request: Request, call: Call, entities: list[StoredEntity], view: View,
    headers: dict[str, str] | None = None, *, single: bool = False,
) -> Response:
    """GeoJSON representation (clause 4.5.16): one Feature per entity."""
    geoproperty = request.query_params.get("geometryProperty", "location")
    features = []
    for entity in entities:
        rendered = await render(entity, call.terms(), view)
        raw = rendered.get(geoproperty)
        geometry = raw.get("value") if isinstance(raw, dict) and "value" in raw else raw
        features.append({
            "id": entity.id, "type": "Feature", "geometry": geometry,
            "properties": {k: v for k, v in rendered.items() if k != "id"},
        })
    content: Any = features[0] if single else {"type": "FeatureCollection", "features": features}
    return answer(request, call, content, headers=headers, geojson=True)
