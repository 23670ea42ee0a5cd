"""The spaces: scene documents from the city pack, their generated models, and the settings a
host or admin may change (capacity, guests, hosts). Also the rules the world server asks for."""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cityverse.core import audit
from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Principal
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.industry import service as industry
from cityverse.modules.spaces import messages as _messages  # noqa: F401 - registers messages
from cityverse.modules.spaces.models import SpaceHost, SpaceSettings
from cityverse.modules.spaces.scene import CATALOG, Scene, SceneError
from cityverse.modules.spaces.schemas import BoothOut, SpaceOut, SpaceSettingsIn, SpaceSettingsOut
from cityverse.realtime.config import SpaceRules

WORD_LIST = "sensitive-words.txt"
# Bumped by every settings change, so the world server's cached rules are dropped at once.
settings_version = 0


@dataclass(frozen=True)
class Model:
    data: bytes
    etag: str


@dataclass(frozen=True)
class Pack:
    """A city pack's spaces: scenes by key, plus declared spaces built elsewhere."""

    scenes: dict[str, Scene]
    listed: tuple[SpaceOut, ...]


@cache
def pack(city: str) -> Pack:
    """The city pack's spaces, validated once per process. The pack is chosen by the `city`
    setting, so it is imported by name rather than statically."""
    spaces = importlib.import_module(f"cityverse.cities.{city}.spaces")
    scenes: dict[str, Scene] = spaces.load_spaces()
    listed = []
    for entry in spaces.read_index().spaces:
        scene = scenes.get(entry.key)
        listed.append(SpaceOut(
            key=entry.key, kind=entry.kind,
            name_zh=scene.name_zh if scene else entry.name_zh or entry.key,
            name_en=scene.name_en if scene else entry.name_en or entry.key,
            description_zh=scene.description_zh if scene else None,
            description_en=scene.description_en if scene else None,
            has_scene=scene is not None, booths=len(scene.booths) if scene else 0,
        ))
    return Pack(scenes, tuple(listed))


def sensitive_words(city: str) -> list[str]:
    """The pack's chat word list (one word a line, # comments); empty when it has none."""
    path = resources.files(f"cityverse.cities.{city}").joinpath("spaces", WORD_LIST)
    if not path.is_file():
        return []
    lines = path.read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def list_spaces(city: str, paging: PageParams, kind: str | None = None) -> Page[SpaceOut]:
    found = [s for s in pack(city).listed if kind is None or s.kind == kind]
    return Page(found[paging.offset:paging.offset + paging.size], len(found), paging.page,
                paging.size)


def get_scene(city: str, key: str) -> Scene:
    scenes = pack(city).scenes
    if key in scenes:
        return scenes[key]
    if any(s.key == key for s in pack(city).listed):
        raise AppError(404, "space_has_no_scene", space=key)
    raise AppError(404, "space_not_found", space=key)


async def get_booth(session: AsyncSession, city: str, key: str, booth_key: str) -> BoothOut:
    """A booth and the enterprise the scene places there, looked up by its city-pack key."""
    booth = get_scene(city, key).booth(booth_key)
    if booth is None:
        raise AppError(404, "space_booth_not_found", space=key, booth=booth_key)
    enterprise = await industry.enterprise_by_key(session, booth.enterprise_key)
    if enterprise is None:
        raise AppError(404, "booth_enterprise_missing", booth=booth_key)
    return BoothOut(
        space_key=key, booth_key=booth_key, enterprise_key=booth.enterprise_key,
        enterprise_id=enterprise.id, name=enterprise.name, name_en=enterprise.name_en,
        description=enterprise.description, description_en=enterprise.description_en,
        segment=enterprise.segment, founded_year=enterprise.founded_year,
        employees=enterprise.employees,
    )


def model_builders(scene: Scene) -> dict[str, Callable[[], bytes]]:
    """Every model the scene's page loads, by key: placed assets, booths, products, portals."""
    builders: dict[str, Callable[[], bytes]] = {"avatar": lambda: CATALOG.build("avatar")}
    for placed in scene.assets:
        builders[placed.key] = _builder(placed.asset, placed.params)
    for booth in scene.booths:
        size = booth.footprint.size
        builders[f"booth.{booth.key}"] = _builder(
            "booth", {"width": size[0], "depth": size[1], "brand_color": booth.brand_color})
        for slot in booth.product_slots:
            builders[f"product.{booth.key}.{slot.key}"] = _builder(slot.asset, slot.params)
    for portal in scene.portals:
        builders[f"portal.{portal.key}"] = _builder(
            "portal-ring", {"radius": portal.radius, "color": portal.color})
    return builders


def _builder(asset: str, params: dict[str, Any]) -> Callable[[], bytes]:
    return lambda: CATALOG.build(asset, params)


def model_urls(scene: Scene) -> dict[str, str]:
    return {key: f"/api/spaces/{scene.key}/models/{key}.glb" for key in model_builders(scene)}


@cache
def get_model(city: str, key: str, model_key: str) -> Model:
    """The model's .glb and its ETag; built once per process (the builders are pure)."""
    builders = model_builders(get_scene(city, key))
    build = builders.get(model_key)
    if build is None:
        raise AppError(404, "space_model_not_found", space=key, model=model_key)
    data = build()
    return Model(data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"')


async def get_settings(session: AsyncSession, city: str, key: str) -> SpaceSettingsOut:
    scene = get_scene(city, key)
    row = await session.scalar(select(SpaceSettings).where(SpaceSettings.space_key == key))
    hosts = await session.scalars(
        select(SpaceHost.user_id).where(SpaceHost.space_key == key).order_by(SpaceHost.user_id)
    )
    if row is None:
        return SpaceSettingsOut(
            space_key=key, capacity_per_instance=scene.capacity.max_per_instance,
            allow_guests=scene.guest_policy.allow_anonymous,
            guests_can_chat=scene.guest_policy.anonymous_can_chat, host_user_ids=list(hosts),
        )
    return SpaceSettingsOut(
        space_key=key, capacity_per_instance=row.capacity_per_instance,
        allow_guests=row.allow_guests, guests_can_chat=row.guests_can_chat,
        host_user_ids=list(hosts),
    )


async def update_settings(
    session: AsyncSession, city: str, key: str, data: SpaceSettingsIn, actor: Principal | None
) -> SpaceSettingsOut:
    before = await get_settings(session, city, key)
    for user_id in set(data.host_user_ids):
        try:
            await accounts.get_user(session, user_id)
        except AppError:
            raise AppError(422, "space_host_not_found", user_id=user_id) from None
    row = await session.scalar(select(SpaceSettings).where(SpaceSettings.space_key == key))
    if row is None:
        row = SpaceSettings(space_key=key)
        session.add(row)
    row.capacity_per_instance = data.capacity_per_instance
    row.allow_guests = data.allow_guests
    row.guests_can_chat = data.guests_can_chat
    row.updated_at = utcnow()
    await session.execute(delete(SpaceHost).where(SpaceHost.space_key == key))
    session.add_all(SpaceHost(space_key=key, user_id=u) for u in sorted(set(data.host_user_ids)))
    await session.flush()
    global settings_version
    settings_version += 1
    after = await get_settings(session, city, key)
    await audit.record(
        session, actor_id=actor.user_id if actor else None,
        actor_name=actor.username if actor else None, action="spaces.settings_updated",
        target_type="space", target_id=key, before=before.model_dump(), after=after.model_dump(),
    )
    return after


async def world_rules(
    sessionmaker: async_sessionmaker[AsyncSession], city: str, key: str
) -> SpaceRules | None:
    """What the world server needs for a join; None for an unknown space or one without scene."""
    try:
        scene = get_scene(city, key)
    except (AppError, SceneError):
        return None
    async with sessionmaker() as session:
        settings = await get_settings(session, city, key)
    targets = {booth.key for booth in scene.booths}
    targets |= {slot.key for booth in scene.booths for slot in booth.product_slots}
    spawn = scene.spawn_points[0].position if scene.spawn_points else (0.0, 0.0, 0.0)
    return SpaceRules(
        key=key, capacity_per_instance=settings.capacity_per_instance,
        allow_guests=settings.allow_guests, guests_can_chat=settings.guests_can_chat,
        host_user_ids=frozenset(settings.host_user_ids), targets=frozenset(targets),
        spawn=spawn, invite_only=scene.access == "invite-only",
    )
