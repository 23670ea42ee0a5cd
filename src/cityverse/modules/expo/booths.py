"""The booth editor: an enterprise's members change its public profile and its hall booth
(colours, panel text, logo, which products are shown, panel media). The hall's scene API
lays these edits over the city pack's booth (see `apply_to_scene`)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.policy import Principal
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError
from cityverse.modules.commerce import service as commerce
from cityverse.modules.expo.models import BoothProfile
from cityverse.modules.expo.schemas import BoothIn, BoothProfileOut, MediaItem, ProductCardOut
from cityverse.modules.industry import service as industry
from cityverse.modules.spaces import service as spaces

# Panel videos and pictures by URL come only from these hosts (https); anything else is
# uploaded, so the hall never embeds a page from an unknown site.
MEDIA_HOSTS = frozenset({"player.bilibili.com", "www.bilibili.com", "v.qq.com",
                         "player.youku.com", "www.ixigua.com"})
PROFILE_FIELDS = ("website", "contact_name", "contact_phone", "contact_email", "brand_color",
                  "accent_color", "panel_zh", "panel_en")


async def member_enterprise(session: AsyncSession, user: Principal) -> int:
    """The enterprise the caller edits; 403 for someone who belongs to none."""
    found = await industry.enterprise_of_user(session, user.user_id)
    if found is None:
        raise AppError(403, "booth_not_member")
    return found.id


async def can_edit(session: AsyncSession, user: Principal, enterprise_id: int) -> None:
    """Members of the enterprise and officers edit it; anyone else is told it is not there."""
    if "officer" in user.roles or "admin" in user.roles:
        await industry.get_enterprise(session, enterprise_id)
        return
    if not await industry.is_member(session, enterprise_id, user.user_id):
        raise AppError(404, "not_found")


def booth_keys(city: str, enterprise_key: str | None) -> list[str]:
    if not enterprise_key:
        return []
    return [booth.key for scene in spaces.pack(city).scenes.values()
            for booth in scene.booths if booth.enterprise_key == enterprise_key]


async def get_booth(session: AsyncSession, city: str, enterprise_id: int) -> BoothProfileOut:
    enterprise = await industry.get_enterprise(session, enterprise_id)
    profile = await _profile(session, enterprise_id)
    products = await commerce.enterprise_products(
        session, enterprise_id, list(profile.product_ids) if profile else [])
    return BoothProfileOut(
        enterprise_id=enterprise.id, enterprise_name=enterprise.name,
        enterprise_name_en=enterprise.name_en or enterprise.name,
        booth_keys=booth_keys(city, enterprise.key), description=enterprise.description,
        description_en=enterprise.description_en,
        **{name: getattr(profile, name) if profile else None for name in PROFILE_FIELDS},
        logo_url=commerce.image_url(profile.logo) if profile and profile.logo else None,
        product_ids=[p.id for p in products],
        products=[ProductCardOut(**vars(p)) for p in products],
        media=[MediaItem(**m) for m in profile.media] if profile else [],
        updated_at=profile.updated_at if profile else None,
    )


async def update_booth(
    session: AsyncSession, city: str, user: Principal, enterprise_id: int, data: BoothIn
) -> BoothProfileOut:
    await can_edit(session, user, enterprise_id)
    before = (await get_booth(session, city, enterprise_id)).model_dump(mode="json")
    wanted = list(dict.fromkeys(data.product_ids))
    shown = await commerce.enterprise_products(session, enterprise_id, wanted)
    if len(shown) != len(wanted):
        raise AppError(422, "booth_product_not_yours")
    for item in data.media:
        _check_media(item)
    await industry.update_description(session, user, enterprise_id, data.description,
                                      data.description_en)
    profile = await _profile(session, enterprise_id, create=True)
    assert profile is not None
    for name in PROFILE_FIELDS:
        setattr(profile, name, getattr(data, name))
    profile.product_ids = wanted
    profile.media = [item.model_dump() for item in data.media]
    await _touch(session, user, profile)
    after = await get_booth(session, city, enterprise_id)
    await audit.record(session, actor_id=user.user_id, actor_name=user.username,
                       action="expo.booth.updated", target_type="industry_enterprise",
                       target_id=enterprise_id, before=before, after=after.model_dump(mode="json"))
    return after


async def set_logo(
    session: AsyncSession, city: str, data_dir: Path, user: Principal, enterprise_id: int,
    data: bytes,
) -> BoothProfileOut:
    await can_edit(session, user, enterprise_id)
    name = commerce.store_image(data_dir, data)
    profile = await _profile(session, enterprise_id, create=True)
    assert profile is not None
    before = profile.logo
    profile.logo = name
    await _touch(session, user, profile)
    await audit.record(session, actor_id=user.user_id, actor_name=user.username,
                       action="expo.booth.logo", target_type="industry_enterprise",
                       target_id=enterprise_id, before={"logo": before}, after={"logo": name})
    return await get_booth(session, city, enterprise_id)


async def upload_media_image(data_dir: Path, data: bytes) -> str:
    """A panel picture: stored like a logo; the URL then goes into the booth's media list."""
    return commerce.image_url(commerce.store_image(data_dir, data))


def _check_media(item: MediaItem) -> None:
    if item.url.startswith("/"):
        if item.kind != "image" or not commerce.is_image_url(item.url):
            raise AppError(422, "booth_media_not_allowed", url=item.url[:80])
        return
    parts = urlsplit(item.url)
    if parts.scheme != "https" or parts.hostname not in MEDIA_HOSTS:
        raise AppError(422, "booth_media_not_allowed", url=item.url[:80])


async def _profile(
    session: AsyncSession, enterprise_id: int, *, create: bool = False
) -> BoothProfile | None:
    found = await session.scalar(
        select(BoothProfile).where(BoothProfile.enterprise_id == enterprise_id))
    if found is None and create:
        found = BoothProfile(enterprise_id=enterprise_id, product_ids=[], media=[])
        session.add(found)
    return found


async def _touch(session: AsyncSession, user: Principal, profile: BoothProfile) -> None:
    profile.updated_by, profile.updated_at = user.user_id, utcnow()
    await session.flush()


async def apply_to_scene(session: AsyncSession, scene: dict[str, Any]) -> dict[str, Any]:
    """The scene document with each booth's edits laid over it: colour and panel text
    replaced, and a `profile` (logo, website, shown products, media) added."""
    booths = scene.get("booths") or []
    keys = {b["enterprise_key"] for b in booths}
    if not keys:
        return scene
    edited: dict[str, dict[str, Any]] = {}
    for key in sorted(keys):
        enterprise = await industry.enterprise_by_key(session, key)
        profile = await _profile(session, enterprise.id) if enterprise else None
        if enterprise is not None and profile is not None:
            edited[key] = await _booth_overlay(session, enterprise.id, profile)
    if not edited:
        return scene
    result = copy.deepcopy(scene)
    for booth in result["booths"]:
        overlay = edited.get(booth["enterprise_key"])
        if overlay is None:
            continue
        booth["brand_color"] = overlay.pop("brand_color") or booth["brand_color"]
        booth["panel"]["text_zh"] = overlay.pop("panel_zh") or booth["panel"]["text_zh"]
        booth["panel"]["text_en"] = overlay.pop("panel_en") or booth["panel"]["text_en"]
        booth["profile"] = overlay
    return result


async def _booth_overlay(
    session: AsyncSession, enterprise_id: int, profile: BoothProfile
) -> dict[str, Any]:
    products = await commerce.enterprise_products(session, enterprise_id,
                                                  list(profile.product_ids), published_only=True)
    return {
        "brand_color": profile.brand_color, "panel_zh": profile.panel_zh,
        "panel_en": profile.panel_en, "accent_color": profile.accent_color,
        "logo_url": commerce.image_url(profile.logo) if profile.logo else None,
        "website": profile.website, "products": [vars(p) for p in products],
        "media": list(profile.media), "enterprise_id": enterprise_id,
    }
