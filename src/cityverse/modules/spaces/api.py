"""Spaces API: the list of spaces, a space's scene document and models, its settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import ADMINS, PUBLIC, Principal
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.modules.expo import service as expo
from cityverse.modules.spaces import service
from cityverse.modules.spaces.schemas import (
    BoothOut,
    SceneOut,
    SpaceKind,
    SpaceOut,
    SpaceSettingsIn,
    SpaceSettingsOut,
)

router = make_router("/api/spaces", "spaces")

Anyone = Annotated[None, requires(PUBLIC)]
Admin = Annotated[Principal, requires(ADMINS)]
Paging = Annotated[PageParams, Depends(page_params)]
SpaceKey = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="Space key.")]
ModelKey = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
# Models change only with a new release; an hour of caching plus ETag revalidation.
MODEL_CACHE_CONTROL = "public, max-age=3600"


@router.get("", response_model=PageOut[SpaceOut])
async def list_spaces(
    _: Anyone, settings: AppSettings, paging: Paging,
    kind: SpaceKind | None = Query(None, description="Only spaces of this kind."),
) -> PageOut[SpaceOut]:
    """The city's virtual spaces: halls, negotiation rooms, tours."""
    return service.list_spaces(settings.city, paging, kind).to_out(lambda s: s)


@router.get("/{key}", response_model=SceneOut)
async def get_scene(db: Db, _: Anyone, settings: AppSettings, key: SpaceKey) -> SceneOut:
    """A space's scene document, the URLs of its generated models and its world socket.
    Booths carry their exhibitors' own edits (colour, panel text, and a `profile`)."""
    scene = service.get_scene(settings.city, key)
    document = await expo.apply_booth_edits(db, scene.model_dump(mode="json"))
    return SceneOut(key=key, scene=document,
                    models=service.model_urls(scene), world_url=f"/ws/world/{key}")


@router.get(
    "/{key}/models/{model_key}.glb",
    response_class=Response,
    responses={200: {"content": {"model/gltf-binary": {}}}, 304: {"description": "Not modified"}},
)
async def get_model(
    request: Request, _: Anyone, settings: AppSettings, key: SpaceKey,
    model_key: ModelKey,
) -> Response:
    """A generated glTF 2.0 binary model of the space, with an ETag for revalidation."""
    model = service.get_model(settings.city, key, model_key)
    headers = {"ETag": model.etag, "Cache-Control": MODEL_CACHE_CONTROL}
    if model.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(model.data, media_type="model/gltf-binary", headers=headers)


@router.get("/{key}/settings", response_model=SpaceSettingsOut)
async def get_settings(
    db: Db, _: Anyone, settings: AppSettings, key: SpaceKey
) -> SpaceSettingsOut:
    """Capacity per instance, guest rules and hosts of a space."""
    return await service.get_settings(db, settings.city, key)


@router.put("/{key}/settings", response_model=SpaceSettingsOut)
async def put_settings(
    data: SpaceSettingsIn, db: Db, me: Admin, settings: AppSettings,
    key: SpaceKey,
) -> SpaceSettingsOut:
    """Change a space's settings; new joins follow them at once."""
    return await service.update_settings(db, settings.city, key, data, me)


BoothKey = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


@router.get("/{key}/booths/{booth_key}", response_model=BoothOut)
async def get_booth(
    db: Db, _: Anyone, settings: AppSettings, key: SpaceKey, booth_key: BoothKey
) -> BoothOut:
    """The enterprise exhibiting at a booth (the hall page's booth panel)."""
    return await service.get_booth(db, settings.city, key, booth_key)
