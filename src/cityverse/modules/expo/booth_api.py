"""Booth editor API: an enterprise's public booth (anyone) and its members' edits (the
enterprise's own members and officers; to anyone else another enterprise is not there)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request
from pydantic import BaseModel

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import PUBLIC, Principal, Role, Scope, roles_policy
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.ratelimit import RateLimiter
from cityverse.modules.expo import booths
from cityverse.modules.expo.schemas import BoothIn, BoothProfileOut

router = make_router("/api/expo/booths", "expo")

Anyone = Annotated[None, requires(PUBLIC)]
Editor = Annotated[Principal, requires(roles_policy(Role.ENTERPRISE, Role.OFFICER, Role.ADMIN))]
EditorReader = Annotated[Principal, requires(
    roles_policy(Role.ENTERPRISE, Role.OFFICER, Role.ADMIN, scope=Scope.READ))]

editor_limiter = RateLimiter("expo_booth_edits", limit=60, window_seconds=60)
MAX_IMAGE_BYTES = 1_000_000
IMAGE_BODY = {
    "requestBody": {
        "required": True,
        "description": f"The image file itself (PNG, JPEG or WebP, at most {MAX_IMAGE_BYTES} "
                       "bytes); its first bytes decide its type.",
        "content": {t: {"schema": {"type": "string", "format": "binary"}}
                    for t in ("image/png", "image/jpeg", "image/webp")},
    }
}


class MediaUploadOut(BaseModel):
    url: str


@router.get("/mine", response_model=BoothProfileOut)
async def my_booth(db: Db, me: EditorReader, settings: AppSettings) -> BoothProfileOut:
    """The booth and profile of the caller's own enterprise."""
    enterprise_id = await booths.member_enterprise(db, me)
    return await booths.get_booth(db, settings.city, enterprise_id)


@router.get("/{enterprise_id}", response_model=BoothProfileOut)
async def public_booth(
    enterprise_id: int, db: Db, _: Anyone, settings: AppSettings
) -> BoothProfileOut:
    """An enterprise's public profile and booth as the hall shows it."""
    return await booths.get_booth(db, settings.city, enterprise_id)


@router.put("/{enterprise_id}", response_model=BoothProfileOut)
async def edit_booth(
    enterprise_id: int, body: BoothIn, db: Db, me: Editor, settings: AppSettings
) -> BoothProfileOut:
    """Change the profile text, colours, shown products and panel media."""
    editor_limiter.hit(str(me.user_id))
    return await booths.update_booth(db, settings.city, me, enterprise_id, body)


@router.put("/{enterprise_id}/logo", response_model=BoothProfileOut, openapi_extra=IMAGE_BODY)
async def upload_logo(
    enterprise_id: int, request: Request, db: Db, me: Editor, settings: AppSettings
) -> BoothProfileOut:
    """Replace the booth's logo."""
    editor_limiter.hit(str(me.user_id))
    await booths.can_edit(db, me, enterprise_id)
    data = await request.body()
    return await booths.set_logo(db, settings.city, settings.data_dir, me, enterprise_id, data)


@router.post("/{enterprise_id}/media", response_model=MediaUploadOut, status_code=201,
             openapi_extra=IMAGE_BODY)
async def upload_media(
    enterprise_id: int, request: Request, db: Db, me: Editor, settings: AppSettings
) -> MediaUploadOut:
    """Upload a panel picture; put the returned URL into the booth's `media` to show it."""
    editor_limiter.hit(str(me.user_id))
    await booths.can_edit(db, me, enterprise_id)
    return MediaUploadOut(url=await booths.upload_media_image(settings.data_dir,
                                                              await request.body()))
