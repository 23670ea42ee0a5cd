"""Reads for the city view that the NGSI-LD API would answer only in many pages: all located
entities as one compact GeoJSON layer (cached, with an ETag) and the sensors' last hours in
time buckets for the replay slider. Readable by whoever may read the twin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from cityverse.core.http import Db, make_router
from cityverse.modules.twin import feed, view
from cityverse.modules.twin.api import READERS

router = make_router("/api/twin/view", "twin view")
# The live feed authenticates each viewer itself; as a WebSocket it has no HTTP policy.
socket_router = APIRouter()
socket_router.routes.append(feed.ROUTE)


class FeatureProperties(BaseModel):
    id: str
    type: str
    kind: str  # building, road, water, sensor or other
    name: str | None = None
    address: str | None = None
    values: dict[str, Any]
    observedAt: str | None = None  # the NGSI-LD member name


class LayerFeature(BaseModel):
    type: str
    id: str
    geometry: dict[str, Any]
    properties: FeatureProperties


class CityLayer(BaseModel):
    type: str
    features: list[LayerFeature]
    truncated: bool


class ReplaySeries(BaseModel):
    id: str
    attr: str
    values: list[float | None]


class Replay(BaseModel):
    start: str
    end: str
    bucketSeconds: float  # the JSON the page reads
    buckets: int
    series: list[ReplaySeries]


@router.get("/layer", response_model=CityLayer, dependencies=[READERS],
            responses={304: {"description": "the layer has not changed"}})
async def city_layer(request: Request, db: Db) -> Response:
    """Every entity of the default tenant that has a location, with its short-named values."""
    state = request.app.state
    cache: view.LayerCache = state.twin_layer_cache
    layer = await cache.current(db, view.core_terms(state.ngsild_terms))
    headers = {"ETag": layer.etag, "Cache-Control": "private, no-cache"}
    if request.headers.get("if-none-match") == layer.etag:
        return Response(status_code=304, headers=headers)
    return Response(layer.body, media_type="application/json", headers=headers)


@router.get("/replay", response_model=Replay, dependencies=[READERS])
async def sensor_replay(
    request: Request, db: Db,
    hours: int = Query(24, ge=1, le=24), buckets: int = Query(96, ge=4, le=288),
) -> dict[str, Any]:
    """Each sensor's numeric values over the last hours: the last value per bucket, carried
    forward; null before the first observation."""
    terms = view.core_terms(request.app.state.ngsild_terms)
    return await view.replay(db, terms, view.window(hours, buckets))
